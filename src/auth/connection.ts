/**
 * Connecting and disconnecting a Justworks company: the authorize URL with a CSRF `state`, the callback
 * check, the code exchange, storing the connection with its granted scopes, and revoking on disconnect.
 */
import { randomBytes } from "node:crypto"
import { Clock, Effect, Redacted } from "effect"
import { AuthorizationFailed, TokenEndpointError } from "./AuthError.js"
import { OAuthClient } from "./OAuthClient.js"
import { StoredConnection } from "./store/StoredConnection.js"
import { TokenStore } from "./store/TokenStore.js"

export interface PendingAuthorization {
  /** where to send the user */
  readonly url: string
  /** must come back unchanged on the callback */
  readonly state: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
}

/** Start connecting: the authorize URL for these scopes, with a fresh random `state`. */
export const beginAuthorization = (options: { readonly redirectUri: string; readonly scopes: ReadonlyArray<string> }) =>
  Effect.map(OAuthClient, (oauth): PendingAuthorization => {
    const state = randomBytes(24).toString("base64url")
    return { url: oauth.authorizationUrl({ ...options, state }), state, ...options }
  })

/** Check the callback's query parameters against the pending authorization; yields the code. */
export const verifyCallback = (
  pending: Pick<PendingAuthorization, "state">,
  params: URLSearchParams
): Effect.Effect<string, AuthorizationFailed> => {
  const state = params.get("state")
  // state first: an error redirect with a wrong state is not to be trusted either
  if (state === null || state === "") {
    return Effect.fail(new AuthorizationFailed({ reason: "StateMismatch", detail: "the callback carries no state parameter" }))
  }
  if (state !== pending.state) {
    return Effect.fail(new AuthorizationFailed({ reason: "StateMismatch", detail: "the callback's state does not match the one sent" }))
  }
  const error = params.get("error")
  if (error !== null) {
    const description = params.get("error_description")
    return Effect.fail(new AuthorizationFailed({ reason: "Denied", detail: description ? `${error}: ${description}` : error }))
  }
  const code = params.get("code")
  if (code === null || code === "") {
    return Effect.fail(new AuthorizationFailed({ reason: "MissingCode", detail: "the callback has neither code nor error" }))
  }
  return Effect.succeed(code)
}

/** Finish connecting: verify the callback, exchange the code, store the connection. */
export const completeAuthorization = (
  pending: PendingAuthorization,
  callback: URLSearchParams,
  connectionId: string
) =>
  Effect.gen(function*() {
    const oauth = yield* OAuthClient
    const store = yield* TokenStore
    const code = yield* verifyCallback(pending, callback)
    const grant = yield* oauth.exchangeCode(code, pending.redirectUri)
    const now = new Date(yield* Clock.currentTimeMillis)
    const connection = new StoredConnection({
      connectionId,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: grant.expiresAt,
      refreshToken: grant.refreshToken,
      refreshTokenIssuedAt: now,
      grantedScopes: grant.scopes ?? pending.scopes,
      createdAt: now,
      lastRefreshedAt: now,
      lastUsedAt: now
    })
    yield* store.put(connection)
    yield* Effect.logInfo("connected").pipe(
      Effect.annotateLogs({ connection: connectionId, scopes: connection.grantedScopes.join(" ") })
    )
    return connection
  })

/**
 * Revoke both tokens and delete the connection. A token the server already considers dead is fine; if the
 * revoke endpoint cannot be reached the connection is kept, so disconnecting can be retried.
 */
export const disconnect = (connectionId: string) =>
  Effect.gen(function*() {
    const oauth = yield* OAuthClient
    const store = yield* TokenStore
    const stored = yield* store.get(connectionId)
    if (stored._tag === "None") return false
    const connection = stored.value
    const alreadyDead = (e: TokenEndpointError) => e.reason === "InvalidGrant" || e.reason === "Rejected"
    const revoke = (...args: Parameters<typeof oauth.revoke>) =>
      oauth.revoke(...args).pipe(Effect.catchIf(alreadyDead, () => Effect.void))
    if (connection.refreshToken !== undefined) yield* revoke(connection.refreshToken, "refresh_token")
    // a connection made from a refresh token alone holds no access token yet
    if (Redacted.value(connection.accessToken) !== "") yield* revoke(connection.accessToken, "access_token")
    yield* store.remove(connectionId)
    yield* Effect.logInfo("disconnected").pipe(Effect.annotateLogs({ connection: connectionId }))
    return true
  })
