/**
 * The connection lifecycle against the stateful mock, with real HTTP and tokens that expire in seconds:
 * connect through the loopback helper, stay connected across expiries, single flight, 401 replay,
 * rotation persisted, revoked refresh → ReconnectRequired, CSRF state, disconnect.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { freePort } from "../../contract-tests/support/freePort.js"
import { mockServer } from "../../mocks/mockServer.js"
import type { MockServer } from "../../mocks/startMockServer.js"
import { ApiClient } from "../http/ApiClient.js"
import { connectorLayer } from "../../test-support/connectorLayer.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { beginAuthorization, completeAuthorization, disconnect } from "./connection.js"
import { authorizeViaLoopback } from "./loopbackAuthorization.js"
import { Credentials } from "./Credentials.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"

const SCOPES = ["company.detail:read", "member.detail:read", "time_off:read"]

/** What a browser does with the authorize URL: follow the mock's redirect back to the callback. */
const browse = (authorizeUrl: string, rewrite: (callback: URL) => URL = (u) => u) =>
  Effect.promise(async () => {
    const consent = await fetch(authorizeUrl, { redirect: "manual" })
    const callback = rewrite(new URL(consent.headers.get("location")!))
    await (await fetch(callback)).text()
  })

const seedConnection = (mock: MockServer, connectionId: string) => seedMockConnection(mock, connectionId, SCOPES)

const tokenRequests = (mock: MockServer) => mock.requests.filter((r) => r.path === "/oauth/token")

describe("OAuth lifecycle against the stateful mock", () => {
  it.live("connects through the loopback helper: authorize URL, callback, code exchange, stored scopes", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const port = yield* Effect.promise(freePort)
      const redirectUri = `http://127.0.0.1:${port}/justworks/oauth/callback`
      let shown = ""
      const { connection, stored } = yield* Effect.gen(function*() {
        const connection = yield* authorizeViaLoopback({
          redirectUri,
          scopes: SCOPES,
          connectionId: "acme",
          timeout: "10 seconds",
          onUrl: (url) => {
            shown = url
            return Effect.asVoid(Effect.fork(browse(url)))
          }
        })
        const stored = Option.getOrThrow(yield* (yield* TokenStore).get("acme"))
        return { connection, stored }
      }).pipe(Effect.provide(connectorLayer({ mock })))
      const url = new URL(shown)
      expect(url.origin + url.pathname).toBe(`${mock.url}/oauth/authorize`)
      expect(url.searchParams.get("client_id")).toBe(mock.clientId)
      expect(url.searchParams.get("redirect_uri")).toBe(redirectUri)
      expect(url.searchParams.get("scope")).toBe(SCOPES.join(" "))
      expect(url.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32)
      expect(connection.grantedScopes).toEqual(SCOPES)
      expect(Redacted.value(stored.accessToken)).toBe(Redacted.value(connection.accessToken))
      expect(tokenRequests(mock)).toHaveLength(1)
      // the listener is gone once connected
      const after = yield* Effect.promise(() => fetch(redirectUri).then(() => "open", () => "closed"))
      expect(after).toBe("closed")
    }).pipe(Effect.scoped))

  it.live("rejects a callback whose state is wrong or missing, and one carrying an error", () =>
    Effect.gen(function*() {
      const pending = yield* beginAuthorization({ redirectUri: "http://127.0.0.1:1/cb", scopes: SCOPES })
      const wrong = yield* Effect.flip(completeAuthorization(pending, new URLSearchParams({ code: "c", state: "forged" }), "x"))
      expect(wrong.message).toMatch(/state does not match/)
      const missing = yield* Effect.flip(completeAuthorization(pending, new URLSearchParams({ code: "c" }), "x"))
      expect(missing.message).toMatch(/no state parameter/)
      const denied = yield* Effect.flip(completeAuthorization(pending, new URLSearchParams({ state: pending.state, error: "access_denied", error_description: "The user declined" }), "x"))
      expect(denied.message).toBe("authorization was not granted: access_denied: The user declined")
    }).pipe(Effect.provide(Layer.unwrapScoped(Effect.map(mockServer(), (mock) => connectorLayer({ mock }))))))

  it.live("the loopback helper ignores a forged callback: it exchanges nothing and waits on, until its timeout", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const port = yield* Effect.promise(freePort)
      const error = yield* Effect.flip(authorizeViaLoopback({
        redirectUri: `http://127.0.0.1:${port}/justworks/oauth/callback`,
        scopes: SCOPES,
        connectionId: "acme",
        timeout: "1 second",
        onUrl: (url) => Effect.asVoid(Effect.fork(browse(url, (cb) => (cb.searchParams.set("state", "forged"), cb))))
      }).pipe(Effect.provide(connectorLayer({ mock }))))
      expect(error._tag === "AuthorizationFailed" && error.reason).toBe("Timeout")
      expect(tokenRequests(mock)).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.live("a long read spanning several token expiries completes with no failed request", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ accessTokenTtlSeconds: 2 })
      yield* Effect.gen(function*() {
        yield* seedConnection(mock, "test")
        const api = yield* ApiClient
        const deadline = Date.now() + 7_000
        let calls = 0
        while (Date.now() < deadline) {
          yield* api.call("get_company")
          calls++
          yield* Effect.sleep("100 millis")
        }
        expect(calls).toBeGreaterThan(30)
      }).pipe(Effect.provide(connectorLayer({ mock, refreshAhead: "500 millis" })))
      const api = mock.requests.filter((r) => r.path.startsWith("/v1/"))
      expect(api.filter((r) => r.status !== 200)).toEqual([])
      expect(tokenRequests(mock).length).toBeGreaterThanOrEqual(3)
      expect(new Set(api.map((r) => r.token)).size).toBe(tokenRequests(mock).length + 1)
    }).pipe(Effect.scoped), 20_000)

  it.live("50 fibers needing a token as it expires make exactly one refresh request, and all use its token", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      yield* Effect.gen(function*() {
        yield* seedConnection(mock, "test")
        // the connector's copy of the access token has just expired (the new one lives an hour)
        const store = yield* TokenStore
        const stored = Option.getOrThrow(yield* store.get("test"))
        yield* store.put(new StoredConnection({ ...stored, accessTokenExpiresAt: new Date(Date.now() - 1_000) }))
        mock.clearLog()
        const api = yield* ApiClient
        yield* Effect.all(Array.from({ length: 50 }, () => api.call("get_company")), { concurrency: "unbounded" })
      }).pipe(Effect.provide(connectorLayer({ mock })))
      expect(tokenRequests(mock)).toHaveLength(1)
      const calls = mock.requests.filter((r) => r.path === "/v1/company")
      expect(calls).toHaveLength(50)
      expect(calls.every((r) => r.status === 200)).toBe(true)
      expect(new Set(calls.map((r) => r.token)).size).toBe(1)
    }).pipe(Effect.scoped))

  it.live("a 401 refreshes once and replays the request; the rotated pair is persisted, the old refresh token is dead", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const store = yield* TokenStore.makeMemory
      const issued = yield* seedConnection(mock, "test").pipe(Effect.provideService(TokenStore, store))
      // the server forgets the access token (revoked elsewhere) while the connector still trusts it
      yield* Effect.promise(() =>
        fetch(`${mock.url}/v1/oauth/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ client_id: mock.clientId, client_secret: mock.clientSecret, token: issued.access_token, token_type_hint: "access_token" })
        })
      )
      mock.clearLog()
      const body = yield* Effect.flatMap(ApiClient, (api) => api.call("get_company")).pipe(
        Effect.provide(connectorLayer({ mock, store: Layer.succeed(TokenStore, store) }))
      )
      expect(body).toHaveProperty("id")
      const company = mock.requests.filter((r) => r.path === "/v1/company")
      expect(company.map((r) => r.status)).toEqual([401, 200])
      expect(company[0]!.token).toBe(issued.access_token)
      expect(company[1]!.token).not.toBe(issued.access_token)
      const saved = Option.getOrThrow(yield* store.get("test"))
      expect(Redacted.value(saved.accessToken)).toBe(company[1]!.token)
      expect(Redacted.value(saved.refreshToken!)).not.toBe(issued.refresh_token)
      // the old refresh token was rotated away
      const replay = yield* Effect.promise(() =>
        fetch(`${mock.url}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: issued.refresh_token, client_id: mock.clientId, client_secret: mock.clientSecret })
        }).then((r) => r.json())
      )
      expect(replay).toMatchObject({ error: "invalid_grant" })
    }).pipe(Effect.scoped))

  it.live("a revoked refresh token becomes ReconnectRequired; disconnect revokes both tokens and forgets them", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ accessTokenTtlSeconds: 1 })
      const store = yield* TokenStore.makeMemory
      const layer = connectorLayer({ mock, store: Layer.succeed(TokenStore, store), refreshAhead: "10 millis" })
      const issued = yield* seedConnection(mock, "test").pipe(Effect.provideService(TokenStore, store))
      const before = Option.getOrThrow(yield* store.get("test"))
      expect(yield* disconnect("test").pipe(Effect.provide(layer))).toBe(true)
      expect(Option.isNone(yield* store.get("test"))).toBe(true)
      const revokes = mock.requests.filter((r) => r.path === "/v1/oauth/revoke")
      expect(revokes).toHaveLength(2)
      // a copy of the connection kept elsewhere is now useless
      yield* store.put(before)
      const unauthorized = yield* Effect.promise(() => fetch(`${mock.url}/v1/company`, { headers: { authorization: `Bearer ${issued.access_token}` } }))
      expect(unauthorized.status).toBe(401)
      yield* Effect.sleep("1100 millis")
      const error = yield* Effect.flip(Effect.flatMap(Credentials, (t) => t.token).pipe(Effect.provide(layer)))
      expect(error._tag).toBe("ReconnectRequired")
      expect(error.message).toMatch(/rejected the refresh token .*reconnect by completing the OAuth flow again/)
    }).pipe(Effect.scoped))
})
