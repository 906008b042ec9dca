/** Everything the OAuth client needs: the manifest's `auth` section resolved against the connection's config. */
import type { Duration, Redacted } from "effect"
import type { Auth } from "../manifest/Manifest.js"

export interface OAuthSettings {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly revokeUrl: string
  readonly clientAuthentication: Auth["client_authentication"]
  readonly scopeSeparator: string
  readonly accessTokenLifetime: Duration.Duration
  readonly refreshTokenLifetime: Duration.Duration
  readonly refreshAhead: Duration.Duration
  readonly idleWarningAfter: Duration.Duration
}

/** Resolve the manifest's auth section: relative token/revoke URLs are joined to the API base URL. */
export const oauthSettings = (
  auth: Auth,
  options: {
    readonly baseUrl: string
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    readonly authorizeUrl?: string | undefined
  }
): OAuthSettings => {
  const resolve = (url: string) => (/^https?:\/\//.test(url) ? url : new URL(url, options.baseUrl).toString())
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authorizeUrl: options.authorizeUrl ?? auth.authorize_url,
    tokenUrl: resolve(auth.token_url),
    revokeUrl: resolve(auth.revoke_url),
    clientAuthentication: auth.client_authentication,
    scopeSeparator: auth.scope_separator,
    accessTokenLifetime: auth.access_token_lifetime,
    refreshTokenLifetime: auth.refresh_token_lifetime,
    refreshAhead: auth.refresh_ahead,
    idleWarningAfter: auth.idle_warning_after
  }
}
