/**
 * The OAuth refresh-token flow for one connection, as `Credentials` (a valid access token for each request)
 * and `AuthorizedConnection` (granted scopes, idle status, refresh on demand). Refreshes ahead of expiry (the
 * manifest's margin, at most half the token's lifetime: a token shorter-lived than the margin is not
 * refreshed on every request), one refresh at a time however many fibers ask (single flight), and under the
 * token store's lock: a process that finds the stored pair already renewed by another uses it instead of
 * refreshing (a rotated refresh token works once). A rotated pair is stored, then handed to `onRefresh`,
 * before it is used; a dead refresh token becomes `ReconnectRequired`.
 */
import { Clock, Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { ReconnectRequired, TokenEndpointError } from "./AuthError.js"
import { AuthorizedConnection, type IdleStatus } from "./AuthorizedConnection.js"
import { Credentials } from "./Credentials.js"
import { OAuthClient } from "./OAuthClient.js"
import type { TokenGrant } from "./TokenGrant.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"

export type { TokenError } from "./Credentials.js"
export type { IdleStatus } from "./AuthorizedConnection.js"

export interface TokenProviderOptions {
  readonly connectionId: string
  readonly refreshAhead: Duration.DurationInput
  readonly refreshTokenLifetime: Duration.DurationInput
  readonly idleWarningAfter: Duration.DurationInput
  /**
   * Called with the connection after each refresh this process made, once the token store holds it and before
   * its token is used: where the tokens live elsewhere too (a config file, a platform's secret store), they are
   * saved from here, for the refresh token they held no longer works.
   */
  readonly onRefresh?: ((connection: StoredConnection) => Effect.Effect<void>) | undefined
}

/** Both faces of the flow; `layer` provides each as its service. */
export type TokenProvider = Credentials["Type"] & AuthorizedConnection["Type"]

export const make = (options: TokenProviderOptions): Effect.Effect<TokenProvider, never, TokenStore | OAuthClient> =>
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

    const notConnected = () => new ReconnectRequired({ reason: "NotConnected", connectionId })

    const load = Effect.suspend(() =>
      cached !== undefined
        ? Effect.succeed(cached)
        : store.get(connectionId).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(notConnected()),
            onSome: (c) => Effect.sync(() => (cached = c))
          }))
        ))

    const fresh = (c: StoredConnection, now: number) => c.accessTokenExpiresAt.getTime() - refreshMargin(c, margin) > now

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
        return renewed(current, grant, now)
      })

    /**
     * Renew the pair under the store's lock, starting from the stored record: it may hold a newer refresh token
     * than `held` (this process's copy). Unless `force`d, a stored access token other than `held`'s that is fresh
     * was obtained by another process meanwhile: it is used as it is.
     */
    const renew = (held: StoredConnection, now: number, force: boolean) =>
      Effect.gen(function*() {
        let refreshed = false
        const after = yield* store.modify(connectionId, (stored) =>
          Effect.gen(function*() {
            if (Option.isNone(stored)) return yield* notConnected()
            const current = stored.value
            const renewedElsewhere = Redacted.value(current.accessToken) !== Redacted.value(held.accessToken)
            if (!force && renewedElsewhere && fresh(current, now)) return undefined
            refreshed = true
            // stored before anyone uses it: the old refresh token may already be dead
            return yield* refresh(current, now)
          }))
        const next = Option.getOrThrow(after)
        cached = next
        if (refreshed) {
          yield* Effect.logDebug("access token refreshed").pipe(
            Effect.annotateLogs({ connection: connectionId, expiresAt: next.accessTokenExpiresAt.toISOString() })
          )
          if (options.onRefresh !== undefined) yield* options.onRefresh(next)
        } else {
          yield* Effect.logDebug("access token renewed by another process").pipe(Effect.annotateLogs({ connection: connectionId }))
        }
        return next
      })

    const refreshed = lock.withPermits(1)(
      Effect.gen(function*() {
        // another fiber may have refreshed while this one waited
        const latest = yield* load
        const at = yield* Clock.currentTimeMillis
        if (fresh(latest, at)) return latest.accessToken
        return (yield* renew(latest, at, false)).accessToken
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
        return yield* renew(current, yield* Clock.currentTimeMillis, true)
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
      } satisfies IdleStatus
    })

    return { connectionId, token, invalidate, current: load, refreshNow, idleStatus }
  })

/** `Credentials` and `AuthorizedConnection` of one connection, from the token store and the OAuth client. */
export const layer = (options: TokenProviderOptions): Layer.Layer<Credentials | AuthorizedConnection, never, TokenStore | OAuthClient> =>
  Layer.effectContext(
    Effect.map(make(options), (provider) =>
      Context.make(Credentials, Credentials.of(provider)).pipe(Context.add(AuthorizedConnection, AuthorizedConnection.of(provider))))
  )

/**
 * How long before its expiry an access token is refreshed: the manifest's margin, but at most half its
 * lifetime (counted from when it was obtained).
 */
export const refreshMargin = (c: StoredConnection, refreshAhead: number): number =>
  Math.min(refreshAhead, Math.max(0, c.accessTokenExpiresAt.getTime() - c.lastRefreshedAt.getTime()) / 2)

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
