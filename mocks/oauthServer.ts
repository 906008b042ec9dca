/**
 * The OAuth side of the mock: an auto-approving authorize endpoint (stand-in for the Justworks login
 * page), the token endpoint (authorization_code and refresh_token grants, client credentials in the form
 * body, rotating refresh tokens), revocation (RFC 7009) and bearer-token checks for API calls.
 * Tokens issued by one authorization form a grant; revoking a refresh token revokes the whole grant.
 */
import { randomBytes } from "node:crypto"
import { OAuthError } from "./apiError.js"
import { isoDateTime } from "./calendar.js"

export interface IssuedTokens {
  readonly access_token: string
  readonly refresh_token: string
  /** ISO date-time the access token stops working. */
  readonly expires_at: string
}

export interface TokenResponse extends IssuedTokens {
  readonly token_type: "Bearer"
  readonly expires_in: number
  readonly scope: string
}

export type Authentication =
  | { readonly ok: true; readonly token: string; readonly scopes: ReadonlyArray<string> }
  | { readonly ok: false; readonly token: string | undefined; readonly reason: "missing" | "unknown" | "expired" | "revoked" }

export interface OAuthServerOptions {
  readonly clientId: string
  readonly clientSecret: string
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  readonly now: () => number
  readonly knownScopes: ReadonlyArray<string>
}

export interface OAuthServer {
  /** GET /oauth/authorize: where to redirect (302), or a 400 text when there is nowhere safe to redirect to. */
  readonly authorize: (query: URLSearchParams) => { readonly status: 302; readonly location: string } | { readonly status: 400; readonly text: string }
  /** POST /oauth/token. Throws OAuthError. */
  readonly token: (form: URLSearchParams) => TokenResponse
  /** POST /v1/oauth/revoke. Throws OAuthError. */
  readonly revoke: (form: URLSearchParams) => void
  readonly authenticate: (authorization: string | undefined) => Authentication
  /** Tokens for these scopes without the authorize flow. */
  readonly issueTokens: (scopes: ReadonlyArray<string>) => IssuedTokens
}

interface Grant { revoked: boolean }
interface AccessToken { readonly grant: Grant; readonly scopes: ReadonlyArray<string>; readonly expiresAt: number; revoked: boolean }
interface RefreshToken { readonly grant: Grant; readonly scopes: ReadonlyArray<string>; readonly expiresAt: number; state: "active" | "rotated" | "revoked" }
interface AuthorizationCode { readonly redirectUri: string; readonly scopes: ReadonlyArray<string>; readonly expiresAt: number; used: boolean }

const CODE_TTL_MS = 10 * 60 * 1000
const secret = (prefix: string) => `${prefix}_${randomBytes(16).toString("hex")}`

export const bearerToken = (authorization: string | undefined): string | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")
  return m ? m[1] : undefined
}

export const makeOAuthServer = (options: OAuthServerOptions): OAuthServer => {
  const access = new Map<string, AccessToken>()
  const refresh = new Map<string, RefreshToken>()
  const codes = new Map<string, AuthorizationCode>()
  const known = new Set(options.knownScopes)

  const parseScopes = (text: string | null) => [...new Set((text ?? "").split(/\s+/).filter((s) => s.length > 0))]

  const issue = (grant: Grant, scopes: ReadonlyArray<string>): TokenResponse => {
    const now = options.now()
    const accessToken = secret("at")
    const refreshToken = secret("rt")
    const expiresAt = now + options.accessTokenTtlSeconds * 1000
    access.set(accessToken, { grant, scopes, expiresAt, revoked: false })
    refresh.set(refreshToken, { grant, scopes, expiresAt: now + options.refreshTokenTtlSeconds * 1000, state: "active" })
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_at: isoDateTime(Math.floor(expiresAt / 1000)),
      expires_in: options.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope: scopes.join(" ")
    }
  }

  const authorize: OAuthServer["authorize"] = (query) => {
    const redirectUri = query.get("redirect_uri")
    let target: URL
    try {
      target = new URL(redirectUri ?? "")
    } catch {
      return { status: 400, text: "redirect_uri is missing or not an absolute URL" }
    }
    const state = query.get("state")
    const redirect = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v)
      if (state !== null) target.searchParams.set("state", state)
      return { status: 302 as const, location: target.toString() }
    }
    if (query.get("client_id") !== options.clientId) {
      return redirect({ error: "unauthorized_client", error_description: "Unknown client_id." })
    }
    if (query.get("response_type") !== "code") {
      return redirect({ error: "unsupported_response_type", error_description: "Only response_type=code is supported." })
    }
    const scopes = parseScopes(query.get("scope"))
    const unknown = scopes.filter((s) => !known.has(s))
    if (unknown.length > 0) return redirect({ error: "invalid_scope", error_description: `Unknown scope(s): ${unknown.join(" ")}` })
    const code = secret("ac")
    codes.set(code, { redirectUri: redirectUri as string, scopes, expiresAt: options.now() + CODE_TTL_MS, used: false })
    return redirect({ code })
  }

  const authenticateClient = (form: URLSearchParams) => {
    if (form.get("client_id") !== options.clientId || form.get("client_secret") !== options.clientSecret) {
      throw new OAuthError(401, "invalid_client", "The client id or client secret is not valid.")
    }
  }

  const token: OAuthServer["token"] = (form) => {
    authenticateClient(form)
    const grantType = form.get("grant_type")
    if (grantType === null || grantType === "") throw new OAuthError(400, "invalid_request", "The grant_type parameter is required.")
    if (grantType === "authorization_code") {
      const code = form.get("code")
      if (code === null || code === "") throw new OAuthError(400, "invalid_request", "The code parameter is required for the authorization_code grant.")
      const entry = codes.get(code)
      if (entry === undefined || entry.used || entry.expiresAt <= options.now()) {
        throw new OAuthError(400, "invalid_grant", "The authorization code is invalid, expired or was already used.")
      }
      if (form.get("redirect_uri") !== entry.redirectUri) {
        throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the one used in the authorization request.")
      }
      entry.used = true
      return issue({ revoked: false }, entry.scopes)
    }
    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token")
      if (presented === null || presented === "") throw new OAuthError(400, "invalid_request", "The refresh_token parameter is required for the refresh_token grant.")
      const entry = refresh.get(presented)
      if (entry === undefined || entry.state !== "active" || entry.grant.revoked || entry.expiresAt <= options.now()) {
        throw new OAuthError(400, "invalid_grant", "The refresh token has expired, was already used or was revoked.")
      }
      const requested = form.has("scope") ? parseScopes(form.get("scope")) : entry.scopes
      const extra = requested.filter((s) => !entry.scopes.includes(s))
      if (extra.length > 0) throw new OAuthError(400, "invalid_scope", `Scope(s) not granted to this refresh token: ${extra.join(" ")}`)
      entry.state = "rotated"
      return issue(entry.grant, requested)
    }
    throw new OAuthError(400, "unsupported_grant_type", "Only authorization_code and refresh_token grants are accepted.")
  }

  const revoke: OAuthServer["revoke"] = (form) => {
    authenticateClient(form)
    const presented = form.get("token")
    if (presented === null || presented === "") throw new OAuthError(400, "invalid_request", "The token parameter is required.")
    const asAccess = access.get(presented)
    if (asAccess !== undefined) asAccess.revoked = true
    const asRefresh = refresh.get(presented)
    if (asRefresh !== undefined) {
      asRefresh.state = "revoked"
      asRefresh.grant.revoked = true
    }
  }

  const authenticate: OAuthServer["authenticate"] = (authorization) => {
    const presented = bearerToken(authorization)
    if (presented === undefined) return { ok: false, token: undefined, reason: "missing" }
    const entry = access.get(presented)
    if (entry === undefined) return { ok: false, token: presented, reason: "unknown" }
    if (entry.revoked || entry.grant.revoked) return { ok: false, token: presented, reason: "revoked" }
    if (entry.expiresAt <= options.now()) return { ok: false, token: presented, reason: "expired" }
    return { ok: true, token: presented, scopes: entry.scopes }
  }

  const issueTokens = (scopes: ReadonlyArray<string>): IssuedTokens => {
    const unknown = scopes.filter((s) => !known.has(s))
    if (unknown.length > 0) throw new Error(`unknown scope(s): ${unknown.join(", ")}`)
    const { access_token, refresh_token, expires_at } = issue({ revoked: false }, [...new Set(scopes)])
    return { access_token, refresh_token, expires_at }
  }

  return { authorize, token, revoke, authenticate, issueTokens }
}
