/**
 * The record kept per connection: its OAuth tokens, when they expire or were issued, and bookkeeping times.
 */
import { Schema } from "effect"

/**
 * One connection's tokens. The tokens are `Redacted`, so `String(record)`, `JSON.stringify(record)` and
 * `Inspectable.format(record)` print `<redacted>` in their place; the plain values leave only through
 * `Schema.encode(StoredConnection)` (which token stores do, and encrypt, when they write).
 */
export class StoredConnection extends Schema.Class<StoredConnection>("StoredConnection")({
  connectionId: Schema.String,
  accessToken: Schema.Redacted(Schema.String),
  accessTokenExpiresAt: Schema.Date,
  /** absent when the authorization server issued no refresh token */
  refreshToken: Schema.UndefinedOr(Schema.Redacted(Schema.String)),
  /** when the current refresh token was issued: its lifetime counts from here */
  refreshTokenIssuedAt: Schema.Date,
  grantedScopes: Schema.Array(Schema.String),
  createdAt: Schema.Date,
  lastRefreshedAt: Schema.Date,
  lastUsedAt: Schema.Date
}) {}
