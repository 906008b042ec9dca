/**
 * Token provider timing and single flight, with a stubbed token endpoint and `TestClock` (no real waiting).
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Redacted, Ref, TestClock } from "effect"
import { TokenEndpointError } from "./AuthError.js"
import { OAuthClient } from "./OAuthClient.js"
import type { TokenGrant } from "./TokenGrant.js"
import * as TokenProvider from "./TokenProvider.js"
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
  /** the refresh tokens presented, in order */
  readonly presented: Ref.Ref<ReadonlyArray<string>>
}

/** A token endpoint that issues access-N / refresh-N, valid 24 h from the (test) clock, after `latency`. */
const stubOAuth = (options: { rotate?: boolean; fail?: TokenEndpointError; latency?: Duration.DurationInput; lifetime?: number } = {}) =>
  Effect.gen(function*() {
    const refreshes = yield* Ref.make(0)
    const presented = yield* Ref.make<ReadonlyArray<string>>([])
    const oauth = OAuthClient.of({
      settings: undefined as never,
      authorizationUrl: () => "unused",
      exchangeCode: () => Effect.dieMessage("unused"),
      revoke: () => Effect.void,
      refresh: (refreshToken) =>
        Effect.gen(function*() {
          yield* Ref.update(presented, (all) => [...all, Redacted.value(refreshToken)])
          const n = yield* Ref.updateAndGet(refreshes, (x) => x + 1)
          if (options.latency) yield* Effect.sleep(options.latency)
          if (options.fail) return yield* options.fail
          const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
          const grant: TokenGrant = {
            accessToken: Redacted.make(`access-${n}`),
            expiresAt: new Date(now + (options.lifetime ?? DAY)),
            refreshToken: options.rotate === false ? undefined : Redacted.make(`refresh-${n}`),
            scopes: undefined
          }
          return grant
        })
    })
    return { oauth, harness: { refreshes, presented } satisfies Harness }
  })

const provider = (
  stored: StoredConnection,
  oauth: OAuthClient["Type"],
  onRefresh?: (connection: StoredConnection) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const store = yield* TokenStore.makeMemory
    yield* store.put(stored)
    const tokens = yield* TokenProvider.make({
      connectionId: stored.connectionId,
      refreshAhead: "10 minutes",
      refreshTokenLifetime: "30 days",
      idleWarningAfter: "25 days",
      onRefresh
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

  it.effect("a token living less than twice the margin is refreshed at half its lifetime, not on every request", () =>
    Effect.gen(function*() {
      const MINUTE = 60_000
      // 5-minute tokens, a 10-minute margin: the margin becomes 2.5 minutes
      const { oauth, harness } = yield* stubOAuth({ lifetime: 5 * MINUTE })
      const { tokens } = yield* provider(connectionAt0({ accessTokenExpiresAt: new Date(5 * MINUTE) }), oauth)
      for (const at of [0, MINUTE, 2.5 * MINUTE - 1]) {
        yield* TestClock.setTime(at)
        expect(Redacted.value(yield* tokens.token)).toBe("access-0")
      }
      yield* TestClock.setTime(2.5 * MINUTE)
      for (let i = 0; i < 100; i++) expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      // access-1 lives until 7.5 minutes: refreshed at 5
      yield* TestClock.setTime(5 * MINUTE - 1)
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      yield* TestClock.setTime(5 * MINUTE)
      expect(Redacted.value(yield* tokens.token)).toBe("access-2")
      expect(yield* Ref.get(harness.refreshes)).toBe(2)
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
      const diskFull = new TokenStoreError({ reason: "Unavailable", message: "disk full" })
      // the store reads, but cannot write
      const failing = TokenStore.of({
        ...memory,
        put: () => Effect.fail(diskFull),
        modify: (id, update) =>
          Effect.flatMap(memory.get(id), (current) =>
            Effect.flatMap(update(current), (next) => (next === undefined ? Effect.succeed(current) : Effect.fail(diskFull))))
      })
      const tokens = yield* TokenProvider.make({ connectionId: "acme", refreshAhead: "10 minutes", refreshTokenLifetime: "30 days", idleWarningAfter: "25 days" }).pipe(
        Effect.provide(Layer.mergeAll(Layer.succeed(TokenStore, failing), Layer.succeed(OAuthClient, oauth)))
      )
      yield* TestClock.setTime(DAY)
      const error = yield* Effect.flip(tokens.token)
      expect(error._tag).toBe("TokenStoreError")
      expect(Redacted.value(Option.getOrThrow(yield* memory.get("acme")).refreshToken!)).toBe("refresh-0")
    }))

  it.effect("a pair another process renewed in the store meanwhile is used, not refreshed again", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth()
      const { tokens, store } = yield* provider(connectionAt0(), oauth)
      expect(Redacted.value(yield* tokens.token)).toBe("access-0")
      yield* TestClock.setTime(DAY)
      // what another process sharing the store wrote when it refreshed
      yield* store.put(connectionAt0({
        accessToken: Redacted.make("access-elsewhere"),
        accessTokenExpiresAt: new Date(2 * DAY),
        refreshToken: Redacted.make("refresh-elsewhere"),
        lastRefreshedAt: new Date(DAY)
      }))
      expect(Redacted.value(yield* tokens.token)).toBe("access-elsewhere")
      expect(yield* Ref.get(harness.refreshes)).toBe(0)
    }))

  it.effect("a refresh presents the stored refresh token, which another process may have rotated", () =>
    Effect.gen(function*() {
      const { oauth, harness } = yield* stubOAuth()
      const { tokens, store } = yield* provider(connectionAt0(), oauth)
      yield* tokens.token
      // renewed elsewhere at 12 h, and expired since
      yield* store.put(connectionAt0({
        accessToken: Redacted.make("access-elsewhere"),
        accessTokenExpiresAt: new Date(DAY + HOUR),
        refreshToken: Redacted.make("refresh-elsewhere"),
        lastRefreshedAt: new Date(12 * HOUR)
      }))
      yield* TestClock.setTime(DAY + HOUR)
      expect(Redacted.value(yield* tokens.token)).toBe("access-1")
      expect(yield* Ref.get(harness.presented)).toEqual(["refresh-elsewhere"])
    }))

  it.effect("onRefresh gets each refreshed pair once it is stored, before its token is used; not a pair found in the store", () =>
    Effect.gen(function*() {
      const { oauth } = yield* stubOAuth()
      const handed: Array<readonly [string, string | undefined, string | undefined]> = []
      let store: TokenStore["Type"] | undefined
      const { tokens, store: memory } = yield* provider(connectionAt0(), oauth, (c) =>
        Effect.gen(function*() {
          const saved = Option.getOrThrow(yield* store!.get("acme"))
          handed.push([Redacted.value(c.accessToken), c.refreshToken && Redacted.value(c.refreshToken), saved.refreshToken && Redacted.value(saved.refreshToken)])
        }).pipe(Effect.orDie))
      store = memory
      yield* TestClock.setTime(DAY)
      yield* Effect.all([tokens.token, tokens.token, tokens.token], { concurrency: "unbounded" })
      yield* tokens.refreshNow
      expect(handed).toEqual([["access-1", "refresh-1", "refresh-1"], ["access-2", "refresh-2", "refresh-2"]])
      yield* memory.put(connectionAt0({ accessToken: Redacted.make("access-elsewhere"), accessTokenExpiresAt: new Date(5 * DAY), lastRefreshedAt: new Date(2 * DAY) }))
      yield* TestClock.setTime(2 * DAY)
      expect(Redacted.value(yield* tokens.token)).toBe("access-elsewhere")
      expect(handed).toHaveLength(2)
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
