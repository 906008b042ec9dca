import { Schema } from "effect"

/**
 * The connection cannot be used until someone completes the OAuth flow again. The message says what
 * happened and what to do.
 */
export class ReconnectRequired extends Schema.TaggedError<ReconnectRequired>()("ReconnectRequired", {
  reason: Schema.Literal("NotConnected", "RefreshTokenExpired", "RefreshTokenRejected", "ClientRejected"),
  connectionId: Schema.String,
  detail: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const id = `connection "${this.connectionId}"`
    const reconnect = "reconnect by completing the OAuth flow again (justworks-connector connect)"
    switch (this.reason) {
      case "NotConnected":
        return `${id} has no tokens: connect it first (justworks-connector connect)`
      case "RefreshTokenExpired":
        return `${id}: the refresh token expired after 30 days without use; ${reconnect}`
      case "RefreshTokenRejected":
        return `${id}: Justworks rejected the refresh token (invalid_grant${this.detail ? `: ${this.detail}` : ""}); it expired, was revoked or was already used; ${reconnect}`
      case "ClientRejected":
        return `${id}: Justworks rejected the OAuth application (invalid_client${this.detail ? `: ${this.detail}` : ""}); it may have been revoked or modified: get new client credentials from the Justworks team, then reconnect`
    }
  }
}

/**
 * The token or revoke endpoint answered with an error, or could not be reached. `RateLimited`, `Server` and
 * `Transport` are retried under the manifest's retry policy (a timeout is not: the deadline is the wait).
 */
export class TokenEndpointError extends Schema.TaggedError<TokenEndpointError>()("TokenEndpointError", {
  reason: Schema.Literal("InvalidGrant", "InvalidClient", "Rejected", "RateLimited", "Server", "Transport", "Decode"),
  url: Schema.String,
  status: Schema.optional(Schema.Number),
  detail: Schema.String,
  /** for `Transport`: no answer within the deadline */
  timedOut: Schema.optional(Schema.Boolean),
  /** for `RateLimited`: how long the endpoint asked to wait */
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {
  override get message(): string {
    return `token endpoint ${this.url}: ${this.reason}${this.status === undefined ? "" : ` (HTTP ${this.status})`}: ${this.detail}`
  }
}

/** The authorization step of connecting failed: the callback was refused, or never came. */
export class AuthorizationFailed extends Schema.TaggedError<AuthorizationFailed>()("AuthorizationFailed", {
  reason: Schema.Literal("StateMismatch", "Denied", "MissingCode", "Timeout", "Listen"),
  detail: Schema.String
}) {
  override get message(): string {
    switch (this.reason) {
      case "StateMismatch":
        return `authorization callback rejected: ${this.detail} (possible cross-site request forgery; start the connection again)`
      case "Denied":
        return `authorization was not granted: ${this.detail}`
      case "MissingCode":
        return `authorization callback carried no code: ${this.detail}`
      case "Timeout":
        return `no authorization callback arrived: ${this.detail}`
      case "Listen":
        return `cannot listen for the authorization callback: ${this.detail}`
    }
  }
}
