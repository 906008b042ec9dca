/**
 * The token endpoint called as any request is, against the stateful mock: a refresh hit by a 503, a 429 with
 * Retry-After or a reset connection succeeds on the next attempt; invalid_grant is final; an endpoint that
 * never answers fails within the requester's deadline, with one line.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import { mockServer } from "../../mocks/mockServer.js"
import type { FaultRule } from "../../mocks/faults.js"
import type { MockServer } from "../../mocks/startMockServer.js"
import { describeError } from "../cli/describeError.js"
import { ApiClient } from "../http/ApiClient.js"
import { connectorLayer, type ConnectorLayerOptions } from "../../test-support/connectorLayer.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"

const tokenRequests = (mock: MockServer) => mock.requests.filter((r) => r.path === "/oauth/token")

/** Calls get_company with a connection whose access token the connector holds for expired: it refreshes first. */
const callAfterExpiry = (mock: MockServer, options: Partial<ConnectorLayerOptions> = {}) =>
  Effect.gen(function*() {
    yield* seedMockConnection(mock, "test")
    const store = yield* TokenStore
    const stored = Option.getOrThrow(yield* store.get("test"))
    yield* store.put(new StoredConnection({ ...stored, accessTokenExpiresAt: new Date(Date.now() - 1_000) }))
    mock.clearLog()
    return yield* Effect.flatMap(ApiClient, (api) => api.call("get_company"))
  }).pipe(Effect.provide(connectorLayer({ mock, retry: { base_delay: Duration.millis(50), jitter: false }, ...options })))

const onTokenEndpoint = (rule: FaultRule): FaultRule => ({ ...rule, path: "/oauth/token" })

describe("the token endpoint, called as any request", () => {
  const recovers: ReadonlyArray<readonly [string, FaultRule]> = [
    ["a 503", onTokenEndpoint({ kind: "server_error", status: 503, at: [1] })],
    ["a 429 with Retry-After: 1", onTokenEndpoint({ kind: "rate_limit", retryAfter: { seconds: 1 }, at: [1] })],
    ["a reset connection", onTokenEndpoint({ kind: "reset", at: [1] })]
  ]
  for (const [what, fault] of recovers) {
    it.live(`a refresh hit by ${what} is sent again and succeeds`, () =>
      Effect.gen(function*() {
        const mock = yield* mockServer({ faults: [fault] })
        const company = yield* callAfterExpiry(mock)
        expect(company).toHaveProperty("id")
        const sent = tokenRequests(mock)
        expect(sent.map((r) => r.status)).toEqual([fault.kind === "reset" ? "reset" : fault.kind === "rate_limit" ? 429 : 503, 200])
        if (fault.kind === "rate_limit") expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(950)
        expect(mock.requests.filter((r) => r.path === "/v1/company").map((r) => r.status)).toEqual([200])
      }).pipe(Effect.scoped))
  }

  it.live("invalid_grant is not retried: one token request, then ReconnectRequired", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer()
      const error = yield* Effect.flip(Effect.gen(function*() {
        const issued = yield* seedMockConnection(mock, "test")
        // the refresh token is used up elsewhere (rotated by another client)
        yield* Effect.promise(() =>
          fetch(`${mock.url}/oauth/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: issued.refresh_token, client_id: mock.clientId, client_secret: mock.clientSecret })
          })
        )
        const store = yield* TokenStore
        const stored = Option.getOrThrow(yield* store.get("test"))
        yield* store.put(new StoredConnection({ ...stored, accessTokenExpiresAt: new Date(0) }))
        mock.clearLog()
        return yield* Effect.flatMap(ApiClient, (api) => api.call("get_company"))
      }).pipe(Effect.provide(connectorLayer({ mock, retry: { base_delay: Duration.millis(50), jitter: false } }))))
      expect(error._tag).toBe("ReconnectRequired")
      expect(tokenRequests(mock).map((r) => r.status)).toEqual([400])
    }).pipe(Effect.scoped))

  it.live("a token endpoint that never answers fails within the requester's deadline, with one line", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ faults: [onTokenEndpoint({ kind: "slow", delayMs: 60_000, rate: 1 })] })
      const started = Date.now()
      const error = yield* Effect.flip(callAfterExpiry(mock, { requestTimeout: "1 second" }))
      const took = Date.now() - started
      expect(took).toBeLessThan(5_000)
      expect(error._tag).toBe("TokenEndpointError")
      const line = describeError(error)
      expect(line.message).toMatch(/^token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token: Transport: no answer within 1s$/)
      expect(line.failureType).toBe("transient_error")
      // a hung endpoint is not asked again: the deadline is what a refresh may take
      expect(mock.requests.filter((r) => r.path.startsWith("/v1/"))).toEqual([])
    }).pipe(Effect.scoped), 15_000)
})
