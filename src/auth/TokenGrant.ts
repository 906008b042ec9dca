/** The token endpoint's answer, decoded: `expires_at` (or `expires_in`), the granted scopes. */
import { Duration, Schema } from "effect"

export const TokenResponse = Schema.Struct({
  access_token: Schema.Redacted(Schema.NonEmptyString),
  token_type: Schema.optional(Schema.String),
  expires_at: Schema.optional(Schema.DateFromString),
  expires_in: Schema.optional(Schema.Number),
  refresh_token: Schema.optional(Schema.Redacted(Schema.NonEmptyString)),
  scope: Schema.optional(Schema.String)
})
export type TokenResponse = typeof TokenResponse.Type

export interface TokenGrant {
  readonly accessToken: TokenResponse["access_token"]
  readonly expiresAt: Date
  /** absent when the endpoint did not issue a new one: keep the old */
  readonly refreshToken: TokenResponse["refresh_token"]
  /** absent when the endpoint did not say: keep what was granted before */
  readonly scopes: ReadonlyArray<string> | undefined
}

/** Turn a decoded response into a grant; `expires_at` wins over `expires_in`, then the default lifetime. */
export const toGrant = (response: TokenResponse, now: number, defaultLifetime: Duration.Duration): TokenGrant => ({
  accessToken: response.access_token,
  expiresAt: response.expires_at ??
    new Date(now + (response.expires_in !== undefined ? response.expires_in * 1000 : Duration.toMillis(defaultLifetime))),
  refreshToken: response.refresh_token,
  scopes: response.scope === undefined ? undefined : response.scope.split(/[\s,]+/).filter((s) => s !== "")
})

export const decodeTokenResponse = Schema.decodeUnknown(TokenResponse)
