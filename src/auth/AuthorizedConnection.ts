/**
 * What the rest of the connector needs to know of the connection it runs against, beside a token: what it
 * was granted (discovery, actions, healthchecks), how long it has been idle, and a refresh on demand (keeping
 * an idle connection alive). `TokenProvider` provides it with `Credentials`, for the OAuth refresh-token flow.
 */
import { Context, type Duration, type Effect } from "effect"
import type { ReconnectRequired } from "./AuthError.js"
import type { TokenError } from "./Credentials.js"
import type { StoredConnection } from "./store/StoredConnection.js"
import type { TokenStoreError } from "./store/TokenStoreError.js"

/** How long the connection has gone without a refresh, and whether that deserves a warning. */
export interface IdleStatus {
  readonly idleFor: Duration.Duration
  readonly refreshTokenExpiresIn: Duration.Duration
  readonly warn: boolean
}

export class AuthorizedConnection extends Context.Tag("justworks-connector/AuthorizedConnection")<AuthorizedConnection, {
  readonly connectionId: string
  /** the connection as stored: granted scopes, expiry times */
  readonly current: Effect.Effect<StoredConnection, ReconnectRequired | TokenStoreError>
  /** refresh now, whatever the access token's expiry (keeps an idle connection alive) */
  readonly refreshNow: Effect.Effect<StoredConnection, TokenError>
  readonly idleStatus: Effect.Effect<IdleStatus, ReconnectRequired | TokenStoreError>
}>() {}
