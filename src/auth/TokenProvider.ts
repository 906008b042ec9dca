/**
 * Hands out a valid access token for one connection. Refreshes ahead of expiry (the manifest's margin),
 * one refresh at a time however many fibers ask (single flight), persists a rotated token pair before
 * using it, and turns a dead refresh token into `ReconnectRequired`.
 */
import { Clock, Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { ReconnectRequired, TokenEndpointError } from "./AuthError.js"
import { OAuthClient } from "./OAuthClient.js"
import type { TokenGrant } from "./TokenGrant.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"
import type { TokenStoreError } from "./store/TokenStoreError.js"

export type TokenError = ReconnectRequired | TokenEndpointError | TokenStoreError

/** How long the connection has gone without a refresh, and whether that deserves a warning. */
export interface IdleStatus {
  readonly idleFor: Duration.Duration
  readonly refreshTokenExpiresIn: Duration.Duration
  readonly warn: boolean
}

export class TokenProvider extends Context.Tag("justworks-connector/TokenProvider")<TokenProvider, {
  readonly connectionId: string
  /** a token valid for at least the refresh-ahead margin */
  readonly token: Effect.Effect<Redacted.Redacted<string>, TokenError>
  /** the API refused this token (401): the next `token` refreshes, unless another fiber already did */
  readonly invalidate: (rejected: Redacted.Redacted<string>) => Effect.Effect<void>
  /** the stored connection: granted scopes, expiry times */
  readonly connection: Effect.Effect<StoredConnection, ReconnectRequired | TokenStoreError>
  /** refresh now, whatever the access token's expiry (keeps an idle connection alive) */
  readonly refreshNow: Effect.Effect<StoredConnection, TokenError>
  readonly idleStatus: Effect.Effect<IdleStatus, ReconnectRequired | TokenStoreError>
}>() {
  static make = (options: {
    readonly connectionId: string
    readonly refreshAhead: Duration.DurationInput
    readonly refreshTokenLifetime: Duration.DurationInput
    readonly idleWarningAfter: Duration.DurationInput
  }) =>
    Effect.gen(function*() {
      const store = yield* TokenStore
      const oauth = yield* OAuthClient
      const { connectionId } = options
      const margin = Duration.toMillis(options.refreshAhead)
      const refreshLifetime = Duration.toMillis(options.refreshTokenLifetime)
      // the connection as last loaded or refreshed (a plain variable: JavaScript runs one fiber step at a time,
      // and refreshes are serialised by the lock)
      let cached: StoredConnection | undefined
      const lock = yield* Effect.makeSemaphore(1)

      const load = Effect.suspend(() =>
        cached !== undefined
          ? Effect.succeed(cached)
          : store.get(connectionId).pipe(
            Effect.flatMap(Option.match({
              onNone: () => Effect.fail(new ReconnectRequired({ reason: "NotConnected", connectionId })),
              onSome: (c) => Effect.sync(() => (cached = c))
            }))
          ))

      const fresh = (c: StoredConnection, now: number) => c.accessTokenExpiresAt.getTime() - margin > now

      const refresh = (current: StoredConnection, now: number) =>
        Effect.gen(function*() {
          if (current.refreshToken === undefined) {
            return yield* new ReconnectRequired({ reason: "RefreshTokenRejected", connectionId, detail: "no refresh token was issued" })
          }
          if (now >= refreshWindowStart(current) + refreshLifetime) {
            return yield* new ReconnectRequired({ reason: "RefreshTokenExpired", connectionId })
          }
          const grant = yield* oauth.refresh(current.refreshToken).pipe(
            Effect.mapError((e): TokenEndpointError | ReconnectRequired =>
              e.reason === "InvalidGrant"
                ? new ReconnectRequired({ reason: "RefreshTokenRejected", connectionId, detail: e.detail })
                : e.reason === "InvalidClient"
                ? new ReconnectRequired({ reason: "ClientRejected", connectionId, detail: e.detail })
                : e
            )
          )
          const next = renewed(current, grant, now)
          // persist the pair before anyone uses it: the old refresh token may already be dead
          yield* store.put(next)
          cached = next
          yield* Effect.logDebug("access token refreshed").pipe(
            Effect.annotateLogs({ connection: connectionId, expiresAt: next.accessTokenExpiresAt.toISOString() })
          )
          return next
        })

      const refreshed = lock.withPermits(1)(
        Effect.gen(function*() {
          // another fiber may have refreshed while this one waited
          const latest = yield* load
          const at = yield* Clock.currentTimeMillis
          if (fresh(latest, at)) return latest.accessToken
          return (yield* refresh(latest, at)).accessToken
        })
      )

      // asked for before every request: the fresh case is one step
      const token = Effect.clockWith((clock) =>
        cached !== undefined && fresh(cached, clock.unsafeCurrentTimeMillis())
          ? Effect.succeed(cached.accessToken)
          : Effect.flatMap(load, (current) => (fresh(current, clock.unsafeCurrentTimeMillis()) ? Effect.succeed(current.accessToken) : refreshed)))

      const invalidate = (rejected: Redacted.Redacted<string>) =>
        lock.withPermits(1)(
          Effect.sync(() => {
            if (cached !== undefined && Redacted.value(cached.accessToken) === Redacted.value(rejected)) {
              cached = new StoredConnection({ ...cached, accessTokenExpiresAt: new Date(0) })
            }
          })
        )

      const refreshNow = lock.withPermits(1)(
        Effect.gen(function*() {
          const current = yield* load
          return yield* refresh(current, yield* Clock.currentTimeMillis)
        })
      )

      const idleStatus = Effect.gen(function*() {
        const c = yield* load
        const now = yield* Clock.currentTimeMillis
        const idle = Math.max(0, now - refreshWindowStart(c))
        return {
          idleFor: Duration.millis(idle),
          refreshTokenExpiresIn: Duration.millis(Math.max(0, refreshLifetime - idle)),
          warn: idle > Duration.toMillis(options.idleWarningAfter)
        }
      })

      return TokenProvider.of({ connectionId, token, invalidate, connection: load, refreshNow, idleStatus })
    })

  static layer = (options: Parameters<typeof TokenProvider.make>[0]) => Layer.effect(TokenProvider, TokenProvider.make(options))
}

/**
 * Refresh tokens die after 30 days without use: the window starts at the later of the token's issue and
 * its last successful use.
 */
export const refreshWindowStart = (c: StoredConnection): number =>
  Math.max(c.refreshTokenIssuedAt.getTime(), c.lastRefreshedAt.getTime())

/** The stored connection after a refresh: a grant without a refresh token keeps the old one. */
export const renewed = (current: StoredConnection, grant: TokenGrant, now: number): StoredConnection =>
  new StoredConnection({
    ...current,
    accessToken: grant.accessToken,
    accessTokenExpiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken ?? current.refreshToken,
    refreshTokenIssuedAt: grant.refreshToken === undefined ? current.refreshTokenIssuedAt : new Date(now),
    grantedScopes: grant.scopes ?? current.grantedScopes,
    lastRefreshedAt: new Date(now),
    lastUsedAt: new Date(now)
  })
