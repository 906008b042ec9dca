/**
 * The OAuth 2.0 endpoints: the authorize URL, the code exchange, refresh and revoke. Client id and secret
 * go in the form body (or as Basic auth), as the manifest's `client_authentication` says.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Context, Effect, Layer, Redacted } from "effect"
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
      const http = yield* HttpClient.HttpClient

      const post = (url: string, fields: Record<string, string>) => {
        const credentials: Record<string, string> = settings.clientAuthentication === "request_body"
          ? { client_id: settings.clientId, client_secret: Redacted.value(settings.clientSecret) }
          : {}
        let request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUrlParams({ ...fields, ...credentials })
        )
        if (settings.clientAuthentication === "basic") {
          request = HttpClientRequest.basicAuth(request, settings.clientId, Redacted.value(settings.clientSecret))
        }
        return http.execute(request).pipe(
          Effect.flatMap((response) =>
            Effect.map(response.text, (text) => ({ status: response.status, text }))
          ),
          Effect.scoped,
          Effect.mapError((e) => new TokenEndpointError({ reason: "Transport", url, detail: e.message })),
          Effect.flatMap(({ status, text }) => {
            if (status >= 200 && status < 300) return Effect.succeed(text)
            const body = parseJson(text) as { error?: unknown; error_description?: unknown } | undefined
            const code = typeof body?.error === "string" ? body.error : undefined
            const description = typeof body?.error_description === "string" ? body.error_description : code ?? `HTTP ${status}`
            const reason = code === "invalid_grant" ? "InvalidGrant" : code === "invalid_client" || status === 401 ? "InvalidClient" : "Rejected"
            return Effect.fail(new TokenEndpointError({ reason, url, status, detail: description }))
          })
        )
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

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
