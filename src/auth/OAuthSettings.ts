/**
 * Everything the OAuth client needs: the connector's auth settings resolved against the connection's config,
 * and the requester's deadline and retry policy, which the token endpoint is called under as any request is.
 */
import type { Duration, Redacted } from "effect"
import type { Auth, RetryPolicy } from "../manifest/Manifest.js"
import type { Connector } from "../model/Connector.js"

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
  /** no answer within this long fails a request to the token or revoke endpoint */
  readonly timeout: Duration.Duration
  readonly retry: RetryPolicy
}

/** Resolve the manifest's auth section: relative token/revoke URLs are joined to the API base URL. */
export const oauthSettings = (
  connector: Pick<Connector, "auth" | "requester" | "retry">,
  options: {
    readonly baseUrl: string
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    readonly authorizeUrl?: string | undefined
  }
): OAuthSettings => {
  const auth = connector.auth
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
    idleWarningAfter: auth.idle_warning_after,
    timeout: connector.requester.timeout,
    retry: connector.retry
  }
}
