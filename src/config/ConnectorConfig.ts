/**
 * The connection config the command line reads (`--config FILE`, Airbyte's `config.json`): one Effect Schema
 * from which both the decoder and the SPEC message's `connectionSpecification` are derived.
 *
 * Tokens come either from the config itself (`access_token`, `refresh_token`: kept by an ETL platform) or
 * from the encrypted SQLite token store at `token_store`, filled by `justworks-connector connect`.
 */
import { JSONSchema, Schema } from "effect"
import { isHttpUrl } from "../net/urls.js"

/** Not empty, not only white space (a value that is, is a mistake: a blank secret is sent as no secret). */
const notBlank = (s: string) => s.trim().length > 0

/** A string with more than white space whose JSON Schema carries Airbyte's `airbyte_secret` (the UI masks it). */
const SecretString = Schema.String.pipe(
  Schema.filter(notBlank, {
    message: () => "must not be empty or blank",
    jsonSchema: { minLength: 1, pattern: "\\S", airbyte_secret: true }
  })
)

const Secret = Schema.Redacted(SecretString)

const NonEmpty = Schema.String.pipe(
  Schema.filter(notBlank, { message: () => "must not be empty or blank", jsonSchema: { minLength: 1, pattern: "\\S" } })
)


const Url = Schema.String.pipe(
  Schema.filter(isHttpUrl, {
    message: () => "must be an http(s) URL",
    jsonSchema: { format: "uri", pattern: "^https?://" }
  })
)

/** YYYY-MM-DD, a real calendar day. */
export const IsoDate = Schema.String.pipe(
  Schema.filter((s) => {
    const time = Date.parse(`${s}T00:00:00Z`)
    return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(s)
  }, {
    message: () => "must be a date written YYYY-MM-DD",
    jsonSchema: { format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" }
  })
)

const DateTime = Schema.String.pipe(
  Schema.filter((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: () => "must be an ISO 8601 date-time such as 2025-01-31T12:00:00Z",
    jsonSchema: { format: "date-time" }
  })
)

const Names = Schema.Array(NonEmpty)

export const ConnectorConfig = Schema.Struct({
  client_id: NonEmpty.annotations({
    title: "Client ID",
    description: "The OAuth client id of your Justworks Partner API application."
  }),
  client_secret: Secret.annotations({
    title: "Client secret",
    description: "The OAuth client secret of the application."
  }),
  access_token: Schema.optional(Secret.annotations({
    title: "Access token",
    description: "An access token obtained elsewhere (leave empty to use the token store)."
  })),
  refresh_token: Schema.optional(Secret.annotations({
    title: "Refresh token",
    description: "The refresh token issued with the access token; without it the connection dies when the access token expires."
  })),
  token_expires_at: Schema.optional(DateTime.annotations({
    title: "Access token expiry",
    description: "When the access token expires (ISO 8601). Unknown: it is used until the API refuses it, then refreshed."
  })),
  connection_id: Schema.optional(NonEmpty.annotations({
    title: "Connection id",
    description: "Which connection of the token store to use.",
    default: "default"
  })),
  token_store: Schema.optional(NonEmpty.annotations({
    title: "Token store",
    description:
      "The encrypted token store written by `justworks-connector connect`: the path of a SQLite file (relative to this config file), or a PostgreSQL URL postgres://user:password@host:5432/database shared by several processes or machines. Its key is read from the environment variable JUSTWORKS_TOKEN_KEY."
  })),
  database: Schema.optional(NonEmpty.annotations({
    title: "Sync database",
    description:
      "Where `sync` writes: the path of a SQLite file (relative to this config file), or a PostgreSQL URL postgres://user:password@host:5432/database. Default: justworks.db in the working directory. --database overrides it."
  })),
  database_schema: Schema.optional(NonEmpty.annotations({
    title: "Sync database schema",
    description: "The PostgreSQL schema of the synced tables. Default: justworks. --database-schema overrides it.",
    default: "justworks"
  })),
  base_url: Schema.optional(Url.annotations({
    title: "API base URL",
    description: "The Partner API's base URL (default: production, https://public-api.justworks.com)."
  })),
  authorize_url: Schema.optional(Url.annotations({
    title: "Authorize URL",
    description: "Where users grant access (default: the manifest's). Used by `connect`."
  })),
  allow_insecure_http: Schema.optional(Schema.Boolean.annotations({
    title: "Allow plain HTTP",
    description:
      "Allow http:// base and authorize URLs to a host other than this machine: the client secret and the tokens then cross the network unencrypted. Default: false (loopback addresses may always use http)."
  })),
  start_date: Schema.optional(IsoDate.annotations({
    title: "Start date",
    description: "First day read by date-ranged streams (payrolls, time-off requests), YYYY-MM-DD. Default: two years ago.",
    examples: ["2024-01-01"]
  })),
  validation: Schema.optional(Schema.Literal("strict", "warn", "off").annotations({
    title: "Record validation",
    description:
      "What a record that does not match its schema does: warn (kept, the problem reported once per field and reason with a count), strict (its stream fails), off (records are not checked). Default: warn.",
    default: "warn"
  })),
  presets: Schema.optional(Names.annotations({
    title: "Permission presets",
    description:
      "The permission presets of the connection: what `connect` asks for and, with tokens in this config, what they were granted. Default for `connect`: the default presets; with tokens in the config and neither presets nor actions: every scope."
  })),
  actions: Schema.optional(Names.annotations({
    title: "Actions",
    description: "Actions the connection must be able to run; their scopes are selected along with the presets'."
  }))
}).annotations({
  identifier: "ConnectorConfig",
  title: "Justworks connection",
  description: "Connection settings of justworks-connector: the OAuth application, and tokens or a token store."
})

export type ConnectorConfig = typeof ConnectorConfig.Type

/**
 * JSON Schema (draft-07) of the config, for the SPEC message's `connectionSpecification`; each property gets
 * Airbyte's `order` (its place in the form), in declaration order.
 */
export const connectionSpecification = (): Record<string, unknown> => {
  const schema = JSONSchema.make(ConnectorConfig) as unknown as Record<string, unknown>
  // the annotation's identifier puts the body under $defs: inline it, the Airbyte UI wants the object itself
  const ref = schema["$ref"]
  const defs = schema["$defs"] as Record<string, Record<string, unknown>> | undefined
  let body: Record<string, unknown> = schema
  if (typeof ref === "string" && defs !== undefined) {
    const name = ref.replace("#/$defs/", "")
    const { [name]: inlined, ...rest } = defs
    body = { $schema: schema["$schema"], ...inlined, ...(Object.keys(rest).length > 0 ? { $defs: rest } : {}) }
  }
  const properties = body["properties"] as Record<string, Record<string, unknown>> | undefined
  if (properties === undefined) return body
  return {
    ...body,
    properties: Object.fromEntries(Object.entries(properties).map(([key, property], order) => [key, { ...property, order }]))
  }
}
