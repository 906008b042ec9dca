/**
 * What the loopback callback does with what reaches it, against the stateful mock: the page tells the truth
 * (a forged state is turned away, a denial is named, a connection is confirmed once made), a stray request does
 * not end a pending connect, and connecting an id that exists revokes its old grant before the new one is stored.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { freePort } from "../../contract-tests/support/freePort.js"
import { mockServer } from "../../mocks/mockServer.js"
import { connectorLayer } from "../../test-support/connectorLayer.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { authorizeViaLoopback } from "./loopbackAuthorization.js"
import { TokenStore } from "./store/TokenStore.js"

const SCOPES = ["company.detail:read"]

interface Page {
  readonly status: number
  readonly text: string
}

const get = (url: string | URL): Promise<Page> => fetch(url).then(async (r) => ({ status: r.status, text: await r.text() }))

/** Where the mock's consent page sends the browser back to: the callback with code and state. */
const consent = (authorizeUrl: string) =>
  fetch(authorizeUrl, { redirect: "manual" }).then((r) => new URL(r.headers.get("location")!))

describe("the loopback callback", () => {
  it.live("turns away a forged state and a stray request, keeps waiting, and confirms the real callback once connected", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const port = yield* Effect.promise(freePort)
      const pages: Array<Page> = []
      const connection = yield* authorizeViaLoopback({
        redirectUri: `http://127.0.0.1:${port}/justworks/oauth/callback`,
        scopes: SCOPES,
        connectionId: "acme",
        timeout: "10 seconds",
        onUrl: (url) =>
          Effect.asVoid(Effect.forkDaemon(Effect.promise(async () => {
            const callback = await consent(url)
            const forged = new URL(callback)
            forged.searchParams.set("state", "forged")
            pages.push(await get(forged))
            pages.push(await get(`http://127.0.0.1:${port}/favicon.ico`))
            const noState = new URL(callback)
            noState.searchParams.delete("state")
            pages.push(await get(noState))
            pages.push(await get(callback))
            pages.push(await get(callback).catch(() => ({ status: 0, text: "closed" })))
          })))
      }).pipe(Effect.provide(connectorLayer({ mock })))
      expect(connection.grantedScopes).toEqual(SCOPES)
      // the last page is asked for once connected: it finds the listener closed, or answered already
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 200)))
      expect(pages.slice(0, 4).map((p) => p.status)).toEqual([400, 404, 400, 200])
      expect(pages[0]!.text).toMatch(/does not belong to the authorization justworks-connector is waiting for .* it was ignored/)
      expect(pages[2]!.text).toMatch(/does not belong/)
      expect(pages[3]!.text).toMatch(/^justworks-connector is connected\. You can close this window/)
      expect(mock.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(1)
    }).pipe(Effect.scoped), 20_000)

  it.live("a denial ends the wait: the page and the error say the authorization was not granted", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const port = yield* Effect.promise(freePort)
      let page: Page | undefined
      const error = yield* Effect.flip(authorizeViaLoopback({
        redirectUri: `http://127.0.0.1:${port}/justworks/oauth/callback`,
        scopes: SCOPES,
        connectionId: "acme",
        timeout: "10 seconds",
        onUrl: (url) =>
          Effect.asVoid(Effect.forkDaemon(Effect.promise(async () => {
            const callback = await consent(url)
            callback.searchParams.delete("code")
            callback.searchParams.set("error", "access_denied")
            page = await get(callback)
          })))
      }).pipe(Effect.provide(connectorLayer({ mock }))))
      expect(error._tag === "AuthorizationFailed" && error.reason).toBe("Denied")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
      expect(page?.status).toBe(400)
      expect(page?.text).toMatch(/^The authorization was not granted \(access_denied\)\. justworks-connector stopped/)
      expect(mock.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(0)
    }).pipe(Effect.scoped), 20_000)

  it.live("connecting an id that exists revokes its old tokens before storing the new ones", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const port = yield* Effect.promise(freePort)
      const store = yield* TokenStore.makeMemory
      const old = yield* seedMockConnection(mock, "acme", SCOPES).pipe(Effect.provideService(TokenStore, store))
      mock.clearLog()
      const connection = yield* authorizeViaLoopback({
        redirectUri: `http://127.0.0.1:${port}/justworks/oauth/callback`,
        scopes: SCOPES,
        connectionId: "acme",
        timeout: "10 seconds",
        onUrl: (url) => Effect.asVoid(Effect.forkDaemon(Effect.promise(async () => get(await consent(url)))))
      }).pipe(Effect.provide(connectorLayer({ mock, store: Layer.succeed(TokenStore, store) })))
      // the old pair revoked (refresh token, then access token), then the code exchanged
      expect(mock.requests.map((r) => r.path)).toEqual(["/oauth/authorize", "/v1/oauth/revoke", "/v1/oauth/revoke", "/oauth/token"])
      const refused = yield* Effect.promise(() =>
        fetch(`${mock.url}/v1/company`, { headers: { authorization: `Bearer ${old.access_token}` } }).then((r) => r.status)
      )
      expect(refused).toBe(401)
      const stored = Option.getOrThrow(yield* store.get("acme"))
      expect(Redacted.value(stored.accessToken)).toBe(Redacted.value(connection.accessToken))
      expect(Redacted.value(stored.accessToken)).not.toBe(old.access_token)
    }).pipe(Effect.scoped), 20_000)
})
