/**
 * The SPEC message's body: the config's JSON Schema (secrets marked `airbyte_secret`), and how an Airbyte
 * platform runs the OAuth flow itself (`advanced_auth`) and where the resulting tokens go in the config.
 */
import { connectionSpecification } from "../../config/ConnectorConfig.js"

const inConfig = (path: string) => ({ type: "string", path_in_connector_config: [path] })

export const connectorSpecification = (documentationUrl: string | undefined): Record<string, unknown> => ({
  ...(documentationUrl === undefined ? {} : { documentationUrl }),
  connectionSpecification: connectionSpecification(),
  supportsIncremental: true,
  advanced_auth: {
    auth_flow_type: "oauth2.0",
    oauth_config_specification: {
      complete_oauth_output_specification: {
        type: "object",
        properties: {
          access_token: inConfig("access_token"),
          refresh_token: inConfig("refresh_token"),
          token_expires_at: inConfig("token_expires_at")
        }
      },
      complete_oauth_server_input_specification: {
        type: "object",
        properties: { client_id: { type: "string" }, client_secret: { type: "string" } }
      },
      complete_oauth_server_output_specification: {
        type: "object",
        properties: { client_id: inConfig("client_id"), client_secret: inConfig("client_secret") }
      }
    }
  }
})
