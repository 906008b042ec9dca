/**
 * What the HTTP pipeline needs of a connection's authorization: a token for the next request, and a way to
 * say the API refused one. The OAuth refresh-token flow (`TokenProvider`) is one implementation; another auth
 * kind, or a host serving many tenants, provides its own.
 */
import { Context, type Effect, type Redacted } from "effect"
import type { ReconnectRequired, TokenEndpointError } from "./AuthError.js"
import type { TokenStoreError } from "./store/TokenStoreError.js"

export type TokenError = ReconnectRequired | TokenEndpointError | TokenStoreError

export class Credentials extends Context.Tag("justworks-connector/Credentials")<Credentials, {
  /** a token valid for the next request (asked for before every request: its usual case must be cheap) */
  readonly token: Effect.Effect<Redacted.Redacted<string>, TokenError>
  /** the API refused this token (401): the next `token` is a new one, unless another fiber already got one */
  readonly invalidate: (rejected: Redacted.Redacted<string>) => Effect.Effect<void>
}>() {}
