/**
 * The OAuth 2.0 endpoints: the authorize URL, the code exchange, refresh and revoke. Client id and secret
 * go in the form body (or as Basic auth), as the manifest's `client_authentication` says. Requests go out
 * through the `HttpTransport` as API requests do: the requester's deadline, and the manifest's retry policy
 * on 429 (Retry-After), server errors and lost connections; an error the endpoint states (`invalid_grant`,
 * `invalid_client`, …) is final, and so is a timeout, so that an endpoint that never answers fails within
 * the deadline.
 */
import { Clock, Context, Duration, Effect, Layer, Redacted } from "effect"
import { HttpTransport, type TransportFailure, type TransportResponse } from "../net/HttpTransport.js"
import { parseRetryAfter, policyFailure, policySchedule, type PolicyFailure } from "../net/retryPolicy.js"
import { TokenEndpointError } from "./AuthError.js"
import type { OAuthSettings } from "./OAuthSettings.js"
import { decodeTokenResponse, toGrant, type TokenGrant } from "./TokenGrant.js"

export interface AuthorizationRequest {
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly state: string
}

export class OAuthClient extends Context.Tag("justworks-connector/OAuthClient")<OAuthClient, {
  readonly settings: OAuthSettings
  readonly authorizationUrl: (request: AuthorizationRequest) => string
  readonly exchangeCode: (code: string, redirectUri: string) => Effect.Effect<TokenGrant, TokenEndpointError>
  readonly refresh: (refreshToken: Redacted.Redacted<string>) => Effect.Effect<TokenGrant, TokenEndpointError>
  readonly revoke: (
    token: Redacted.Redacted<string>,
    hint: "access_token" | "refresh_token"
  ) => Effect.Effect<void, TokenEndpointError>
}>() {
  static make = (settings: OAuthSettings) =>
    Effect.gen(function*() {
      const transport = yield* HttpTransport
      // A token request whose answer was lost is sent again too: had the endpoint acted on a refresh, its
      // rotated pair is lost with the answer and the repeat's invalid_grant says so; had it not, the repeat works.
      const retry = policySchedule(settings.retry, tokenEndpointFailure)
      const headers: Record<string, string> = { accept: "application/json" }
      if (settings.clientAuthentication === "basic") {
        headers["authorization"] = `Basic ${Buffer.from(`${settings.clientId}:${Redacted.value(settings.clientSecret)}`).toString("base64")}`
      }

      const post = (url: string, fields: Record<string, string>) => {
        const credentials: Record<string, string> = settings.clientAuthentication === "request_body"
          ? { client_id: settings.clientId, client_secret: Redacted.value(settings.clientSecret) }
          : {}
        const attempt = transport.send({
          method: "POST",
          url,
          headers,
          body: new URLSearchParams({ ...fields, ...credentials }).toString(),
          contentType: "application/x-www-form-urlencoded",
          timeout: settings.timeout
        }).pipe(
          Effect.mapError((e) => transportError(url, e, settings.timeout)),
          Effect.flatMap((response) => classify(url, response))
        )
        return Effect.retry(attempt, retry)
      }
      const grant = (fields: Record<string, string>) =>
        post(settings.tokenUrl, fields).pipe(
          Effect.flatMap((text) =>
            decodeTokenResponse(parseJson(text)).pipe(
              Effect.mapError(() =>
                new TokenEndpointError({
                  reason: "Decode",
                  url: settings.tokenUrl,
                  detail: "the token response lacks a usable access_token or expiry"
                })
              )
            )
          ),
          Effect.flatMap((response) =>
            Effect.map(Clock.currentTimeMillis, (now) => toGrant(response, now, settings.accessTokenLifetime))
          )
        )

      return OAuthClient.of({
        settings,
        authorizationUrl: ({ redirectUri, scopes, state }) => {
          const url = new URL(settings.authorizeUrl)
          url.searchParams.set("response_type", "code")
          url.searchParams.set("client_id", settings.clientId)
          url.searchParams.set("redirect_uri", redirectUri)
          url.searchParams.set("scope", scopes.join(settings.scopeSeparator))
          url.searchParams.set("state", state)
          return url.toString()
        },
        exchangeCode: (code, redirectUri) =>
          grant({ grant_type: "authorization_code", code, redirect_uri: redirectUri }),
        refresh: (refreshToken) => grant({ grant_type: "refresh_token", refresh_token: Redacted.value(refreshToken) }),
        revoke: (token, hint) =>
          Effect.asVoid(post(settings.revokeUrl, { token: Redacted.value(token), token_type_hint: hint }))
      })
    })

  static layer = (settings: OAuthSettings) => Layer.effect(OAuthClient, OAuthClient.make(settings))
}

/** A failure to reach the endpoint; a timeout says how long it was given. */
const transportError = (url: string, e: TransportFailure, timeout: Duration.Duration) =>
  new TokenEndpointError({
    reason: "Transport",
    url,
    detail: e.timedOut ? `no answer within ${Duration.format(timeout)}` : e.message,
    ...(e.timedOut ? { timedOut: true } : {})
  })

/** The body of a 2xx answer, or the error its status and body mean. */
const classify = (url: string, response: TransportResponse): Effect.Effect<string, TokenEndpointError> => {
  const { status, text } = response
  if (status >= 200 && status < 300) return Effect.succeed(text)
  const body = parseJson(text) as { error?: unknown; error_description?: unknown } | undefined
  const code = typeof body?.error === "string" ? body.error : undefined
  const description = typeof body?.error_description === "string" ? body.error_description : code ?? `HTTP ${status}`
  if (status === 429) {
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const retryAfter = parseRetryAfter(response.headers["retry-after"], now)
      return Effect.fail(new TokenEndpointError({ reason: "RateLimited", url, status, detail: description, ...(retryAfter ? { retryAfter } : {}) }))
    })
  }
  const reason = code === "invalid_grant"
    ? "InvalidGrant"
    : code === "invalid_client" || status === 401
    ? "InvalidClient"
    : status >= 500
    ? "Server"
    : "Rejected"
  return Effect.fail(new TokenEndpointError({ reason, url, status, detail: description }))
}

/** A token endpoint error as the retry policy sees it; what the endpoint stated, and timeouts, are final. */
const tokenEndpointFailure = (error: TokenEndpointError): PolicyFailure | undefined =>
  error.timedOut === true ? undefined : policyFailure(error, "the token endpoint")

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
