/**
 * The options that say which connection a command uses: a config file, or the token store (connect,
 * disconnect, healthcheck) with the OAuth application given by flags and environment variables.
 */
import { Options } from "@effect/cli"
import type { Option } from "effect"

export const configOption = Options.file("config").pipe(
  Options.withDescription("the connection config (JSON; `spec` prints its JSON Schema)")
)

/** What a record that does not match its schema does; overrides the config's `validation`. */
export const validationOption = Options.choice("validation", ["strict", "warn", "off"]).pipe(
  Options.withDescription("a record that does not match its schema: warn (kept and reported, the default), strict (its stream fails), off (not checked)"),
  Options.optional
)

/** `sync`, `action` and `healthcheck` write a config file's refreshed tokens back to it, unless this is given. */
export const keepConfigFileOption = Options.boolean("keep-config-file").pipe(
  Options.withDescription(
    "leave the --config file as it is when the tokens it holds are refreshed (by default it is rewritten with the new ones: its refresh token no longer works after a refresh)"
  )
)

/** The command-line names of the token store flags (besides `--config`), by their field in `StoreFlags`. */
export const storeFlagNames = {
  clientId: "client-id",
  clientSecretEnv: "client-secret-env",
  tokenStore: "token-store",
  connection: "connection",
  baseUrl: "base-url",
  authorizeUrl: "authorize-url"
} as const

export const allowInsecureHttpOption = Options.boolean("allow-insecure-http").pipe(
  Options.withDescription(
    "allow http:// base and authorize URLs to a host other than this machine (the client secret and the tokens then travel unencrypted; loopback addresses may always use http)"
  )
)

export const storeFlags = {
  config: Options.optional(configOption),
  clientId: Options.text(storeFlagNames.clientId).pipe(
    Options.withDescription("OAuth client id (default: the config's client_id, else $JUSTWORKS_CLIENT_ID)"),
    Options.optional
  ),
  clientSecretEnv: Options.text(storeFlagNames.clientSecretEnv).pipe(
    Options.withPseudoName("VAR"),
    Options.withDescription("environment variable holding the OAuth client secret (default JUSTWORKS_CLIENT_SECRET; else the config's client_secret)"),
    Options.optional
  ),
  tokenStore: Options.text(storeFlagNames.tokenStore).pipe(
    Options.withPseudoName("FILE|URL"),
    Options.withDescription(
      "the encrypted token store: a SQLite file (default: the config's token_store, else ~/.local/share/justworks-connector/tokens.db) or a PostgreSQL URL postgres://user@host:5432/db; key in $JUSTWORKS_TOKEN_KEY"
    ),
    Options.optional
  ),
  connection: Options.text(storeFlagNames.connection).pipe(
    Options.withPseudoName("ID"),
    Options.withDescription("the connection's id in the token store (default: the config's connection_id, else \"default\")"),
    Options.optional
  ),
  baseUrl: Options.text(storeFlagNames.baseUrl).pipe(
    Options.withDescription("the API's base URL (default: the config's base_url, else production)"),
    Options.optional
  ),
  authorizeUrl: Options.text(storeFlagNames.authorizeUrl).pipe(
    Options.withDescription("where users grant access (default: the config's authorize_url, else the manifest's)"),
    Options.optional
  ),
  allowInsecureHttp: allowInsecureHttpOption
}

export interface StoreFlags {
  readonly config: Option.Option<string>
  readonly clientId: Option.Option<string>
  readonly clientSecretEnv: Option.Option<string>
  readonly tokenStore: Option.Option<string>
  readonly connection: Option.Option<string>
  readonly baseUrl: Option.Option<string>
  readonly authorizeUrl: Option.Option<string>
  readonly allowInsecureHttp: boolean
}
