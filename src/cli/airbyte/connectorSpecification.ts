/**
 * The SPEC message's body: the config's JSON Schema (secrets marked `airbyte_secret`), and how an Airbyte
 * platform runs the OAuth flow itself (`advanced_auth`): the consent and token URLs as templates the platform
 * fills in (its client id and secret, redirect URI, state, the code it got back), the scopes to ask for (the
 * default presets'), and where the resulting tokens and the application's credentials go in the config.
 */
import { Either } from "effect"
import { connectionSpecification } from "../../config/ConnectorConfig.js"
import type { SpecEssentials } from "../../config/ManifestEssentials.js"
import { minimalScopesFor } from "../../scopes/ScopeAlgebra.js"

const inConfig = (path: string, fromResponse?: string) => ({
  type: "string",
  path_in_connector_config: [path],
  ...(fromResponse === undefined ? {} : { path_in_oauth_response: [fromResponse] })
})

/** A manifest URL: absolute, or a path on the API's base URL. */
const absolute = (url: string, base: string) => (/^https?:\/\//.test(url) ? url : new URL(url, base).toString())

/** The template of a URL with query parameters appended (`{{ … }}` are the platform's placeholders). */
const withQuery = (url: string, parameters: ReadonlyArray<string>) => `${url}${url.includes("?") ? "&" : "?"}${parameters.join("&")}`

export const oauthConnectorInput = (manifest: SpecEssentials): Record<string, unknown> => {
  const { auth } = manifest
  const basic = auth.client_authentication === "basic"
  return {
    consent_url: withQuery(auth.authorize_url, [
      "response_type=code",
      "{{ client_id_param }}",
      "redirect_uri={{ redirect_uri_value | urlencode }}",
      "scope={{ scope_value | urlencode }}",
      "{{ state_param }}"
    ]),
    // the default presets' scopes (no action is chosen here)
    scope: Either.getOrElse(minimalScopesFor({ scopes: manifest.scopes, presets: manifest.presets, actions: {} }, {}), () => []).join(auth.scope_separator),
    access_token_url: withQuery(absolute(auth.token_url, manifest.defaults.requester.base_url), [
      "grant_type=authorization_code",
      "{{ auth_code_param }}",
      "redirect_uri={{ redirect_uri_value | urlencode }}",
      ...(basic ? [] : ["{{ client_id_param }}", "{{ client_secret_param }}"])
    ]),
    ...(basic ? { access_token_headers: { Authorization: "Basic {{ (client_id_value ~ ':' ~ client_secret_value) | b64encode }}" } } : {}),
    extract_output: ["access_token", "refresh_token", "expires_at"]
  }
}

export const connectorSpecification = (manifest: SpecEssentials): Record<string, unknown> => ({
  documentationUrl: manifest.connector.docs_url,
  connectionSpecification: connectionSpecification(),
  supportsIncremental: true,
  advanced_auth: {
    auth_flow_type: "oauth2.0",
    oauth_config_specification: {
      oauth_connector_input_specification: oauthConnectorInput(manifest),
      complete_oauth_output_specification: {
        type: "object",
        required: ["access_token", "refresh_token"],
        properties: {
          access_token: inConfig("access_token", "access_token"),
          refresh_token: inConfig("refresh_token", "refresh_token"),
          token_expires_at: inConfig("token_expires_at", "expires_at")
        }
      },
      complete_oauth_server_input_specification: {
        type: "object",
        required: ["client_id", "client_secret"],
        properties: { client_id: { type: "string" }, client_secret: { type: "string" } }
      },
      complete_oauth_server_output_specification: {
        type: "object",
        required: ["client_id", "client_secret"],
        properties: { client_id: inConfig("client_id"), client_secret: inConfig("client_secret") }
      }
    }
  }
})
