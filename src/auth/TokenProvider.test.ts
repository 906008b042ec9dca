/**
 * Token provider timing and single flight, with a stubbed token endpoint and `TestClock` (no real waiting).
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Redacted, Ref, TestClock } from "effect"
import { TokenEndpointError } from "./AuthError.js"
import { OAuthClient } from "./OAuthClient.js"
import type { TokenGrant } from "./TokenGrant.js"
import { TokenProvider } from "./TokenProvider.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"
import { TokenStoreError } from "./store/TokenStoreError.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A connection issued at time 0 (TestClock's start), access token valid 24 h. */
const connectionAt0 = (overrides: Partial<ConstructorParameters<typeof StoredConnection>[0]> = {}) =>
  new StoredConnection({
    connectionId: "acme",
    accessToken: Redacted.make("access-0"),
    accessTokenExpiresAt: new Date(DAY),
    refreshToken: Redacted.make("refresh-0"),
    refreshTokenIssuedAt: new Date(0),
    grantedScopes: ["company.basic:read"],
    createdAt: new Date(0),
    lastRefreshedAt: new Date(0),
    lastUsedAt: new Date(0),
    ...overrides
  })

interface Harness {
  readonly refreshes: Ref.Ref<number>
}

/** A token endpoint that issues access-N / refresh-N, valid 24 h from the (test) clock, after `latency`. */
const stubOAuth = (options: { rotate?: boolean; fail?: TokenEndpointError; latency?: Duration.DurationInput } = {}) =>
  Effect.gen(function*() {
    const refreshes = yield* Ref.make(0)
    const oauth = OAuthClient.of({
      settings: undefined as never,
      authorizationUrl: () => "unused",
      exchangeCode: () => Effect.dieMessage("unused"),
      revoke: () => Effect.void,
      refresh: () =>
        Effect.gen(function*() {
          const n = yield* Ref.updateAndGet(refreshes, (x) => x + 1)
          if (options.latency) yield* Effect.sleep(options.latency)
          if (options.fail) return yield* options.fail
          const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
          const grant: TokenGrant = {
            accessToken: Redacted.make(`access-${n}`),
            expiresAt: new Date(now + DAY),
            refreshToken: options.rotate === false ? undefined : Redacted.make(`refresh-${n}`),
            scopes: undefined
          }
          return grant
        })
    })
    return { oauth, harness: { refreshes } satisfies Harness }
  })

const provider = (stored: StoredConnection, oauth: OAuthClient["Type"]) =>
  Effect.gen(function*() {
    const store = yield* TokenStore.makeMemory
    yield* store.put(stored)
    const tokens = yield* TokenProvider.make({
      connectionId: stored.connectionId,
      refreshAhead: "10 minutes",
      refreshTokenLifetime: "30 days",
      idleWarningAfter: "25 days"
    }).pipe(Effect.provide(Layer.mergeAll(Layer.succeed(TokenStore, store), Layer.succeed(OAuthClient, oauth))))
    return { tokens, store }
  })

describe("TokenProvider", () => {
  it.effect("uses the stored token until the refresh-ahead margin, then refreshes once", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth()
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY - 11 * 60_000)
      expect(Redacted.value(yield* tokens.token)).toBe("access-0")
      expect(yield* Ref.get(harness.refreshes)).toBe(0)
      yield* TestClock.setTime(DAY - 9 * 60_000)
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      expect(yield* Ref.get(harness.refreshes)).toBe(1)
    }))

  it.effect("single flight: 50 fibers asking at expiry cause exactly one refresh and all get its token", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth({ latency: "200 millis" })
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY)
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 50 }, () => tokens.token), { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      const all = yield* Fiber.join(fiber)
      expect(new Set(all.map(Redacted.value))).toEqual(new Set(["access-1"]))
      expect(yield* Ref.get(harness.refreshes)).toBe(1)
    }))

  it.effect("persists a rotated pair before handing out the new token", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth()
      const { tokens, store } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY)
      const token = yield* tokens.token
      const saved = Option.getOrThrow(yield* store.get("acme"))
      expect(Redacted.value(saved.accessToken)).toBe(Redacted.value(token))
      expect(Redacted.value(saved.refreshToken!)).toBe("refresh-1")
      expect(saved.refreshTokenIssuedAt.getTime()).toBe(DAY)
    }))

  it.effect("a token whose rotated pair cannot be stored is never used", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth()
      const memory = yield* TokenStore.makeMemory
      yield* memory.put(connectionAt0())
      const failing = TokenStore.of({ ...memory, put: () => Effect.fail(new TokenStoreError({ reason: "Unavailable", message: "disk full" })) })
      const tokens = yield* TokenProvider.make({ connectionId: "acme", refreshAhead: "10 minutes", refreshTokenLifetime: "30 days", idleWarningAfter: "25 days" }).pipe(
        Effect.provide(Layer.mergeAll(Layer.succeed(TokenStore, failing), Layer.succeed(OAuthClient, oauth)))
      )
      yield* TestClock.setTime(DAY)
      const error = yield* Effect.flip(tokens.token)
      expect(error._tag).toBe("TokenStoreError")
      expect(Redacted.value(Option.getOrThrow(yield* memory.get("acme")).refreshToken!)).toBe("refresh-0")
    }))

  it.effect("keeps the old refresh token when the response carries none", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth({ rotate: false })
      const { tokens, store } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY)
      yield* tokens.token
      const saved = Option.getOrThrow(yield* store.get("acme"))
      expect(Redacted.value(saved.refreshToken!)).toBe("refresh-0")
      expect(Redacted.value(saved.accessToken)).toBe("access-1")
    }))

  it.effect("invalid_grant becomes ReconnectRequired saying what happened and what to do", () =>
    Effect.gen(function*() {
      const fail = new TokenEndpointError({ reason: "InvalidGrant", url: "https://x/oauth/token", status: 400, detail: "refresh token revoked" })
      const { oauth } = yield* stubOAuth({ fail })
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY)
      const error = yield* Effect.flip(tokens.token)
      expect(error._tag).toBe("ReconnectRequired")
      expect(error.message).toMatch(/rejected the refresh token .*refresh token revoked.*reconnect/)
    }))

  it.effect("invalid_client says the application needs new credentials", () =>
    Effect.gen(function*() {
      const fail = new TokenEndpointError({ reason: "InvalidClient", url: "https://x/oauth/token", status: 401, detail: "unknown client" })
      const { oauth } = yield* stubOAuth({ fail })
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(DAY)
      const error = yield* Effect.flip(tokens.token)
      expect(error.message).toMatch(/new client credentials/)
    }))

  it.effect("a refresh token unused for 30 days is reported without calling the token endpoint", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth()
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(30 * DAY + 1)
      const error = yield* Effect.flip(tokens.token)
      expect(error._tag === "ReconnectRequired" && error.reason).toBe("RefreshTokenExpired")
      expect(error.message).toMatch(/expired after 30 days without use; reconnect/)
      expect(yield* Ref.get(harness.refreshes)).toBe(0)
    }))

  it.effect("warns about a connection idle for more than 25 days; a keep-alive refresh resets it", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth()
      const { tokens } = yield* provider(connectionAt0(), oauth)
      yield* TestClock.setTime(25 * DAY - 1)
      expect((yield* tokens.idleStatus).warn).toBe(false)
      yield* TestClock.setTime(25 * DAY + 1)
      const idle = yield* tokens.idleStatus
      expect(idle.warn).toBe(true)
      expect(Duration.toDays(idle.refreshTokenExpiresIn)).toBeLessThan(5)
      yield* tokens.refreshNow
      expect((yield* tokens.idleStatus).warn).toBe(false)
    }))

  it.effect("invalidate refreshes only if the rejected token is still the current one", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth()
      const { tokens } = yield* provider(connectionAt0(), oauth)
      const first = yield* tokens.token
      yield* tokens.invalidate(first)
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      yield* tokens.invalidate(first)
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      expect(yield* Ref.get(harness.refreshes)).toBe(1)
    }))

  it.effect("an unknown connection is NotConnected", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth()
      const store = yield* TokenStore.makeMemory
      const tokens = yield* TokenProvider.make({ connectionId: "nobody", refreshAhead: "10 minutes", refreshTokenLifetime: "30 days", idleWarningAfter: "25 days" }).pipe(
        Effect.provide(Layer.mergeAll(Layer.succeed(TokenStore, store), Layer.succeed(OAuthClient, oauth)))
      )
      const error = yield* Effect.flip(tokens.token)
      expect(error.message).toMatch(/connection "nobody" has no tokens/)
    }))
})
