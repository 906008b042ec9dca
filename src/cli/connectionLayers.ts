/**
 * The connection a command runs against, as layers of the `Justworks` service (with everything it is made
 * of) plus `ConnectionInfo`: from a config file, from the token store, or the in-process mock API.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { homedir } from "node:os"
import { join, resolve } from "node:path"
import { defaultManifestFile, Justworks } from "../Justworks.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { storeName, tokenStoreAt } from "../auth/store/tokenStoreAt.js"
import { isPostgresUrl } from "../postgres/pgClient.js"
import type { StoredConnection } from "../auth/store/StoredConnection.js"
import {
  configSelection,
  connectionOptions,
  expandHome,
  holdsTokens,
  insecureUrls,
  tokenStoreKey,
  tokenStorePath
} from "../config/connectionOptions.js"
import { InputError } from "../config/InputError.js"
import { parseJsonText } from "../config/readJson.js"
import { isHttpUrl, isInsecureHttp } from "../net/urls.js"
import { redactCredentials } from "../redaction/redact.js"
import type { ConnectorConfig } from "../config/ConnectorConfig.js"
import { loadConfig } from "../config/loadConfig.js"
import { readManifestEssentials } from "../config/ManifestEssentials.js"
import { ConfigHandBack } from "./ConfigHandBack.js"
import { ConnectionInfo } from "./ConnectionInfo.js"
import { storeFlagNames, type StoreFlags } from "./ConnectionFlags.js"
import { UsageError } from "./UsageError.js"
import type { ValidationMode } from "../runtime/RecordValidation.js"

const insecureHttpFlagDetail =
  "http:// to a host other than this machine would send the client secret and the tokens unencrypted: use https, or pass --allow-insecure-http"

/** Where `connect` keeps tokens unless told otherwise. */
export const defaultTokenStore = (): string =>
  join(process.env["XDG_DATA_HOME"] || join(homedir(), ".local", "share"), "justworks-connector", "tokens.db")

/** What the command line overrides of a connection's settings. */
export interface ConnectionOverrides {
  readonly validation?: ValidationMode | undefined
  /** allow plain http to a host other than this machine (`--allow-insecure-http`) */
  readonly allowInsecureHttp?: boolean | undefined
}

/** A config file's text and value as they are: what goes back after a refresh, laid out as the file was. */
const configSource = (file: string) =>
  Effect.gen(function*() {
    const from = { input: "config", source: file }
    const text = yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(file)).pipe(
      Effect.mapError(() => new InputError({ reason: "Unreadable", ...from, path: "", detail: "cannot be read" }))
    )
    const value = yield* parseJsonText(from, text)
    return { file, text, value: value as Readonly<Record<string, unknown>> }
  })

/**
 * The connection of a config file: its tokens, or the token store it names. Tokens of the file are handed
 * back (`ConfigHandBack`) after each refresh.
 */
export const configConnection = (file: string, overrides: ConnectionOverrides = {}) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const config = yield* loadConfig(file)
    const graph = yield* readManifestEssentials(defaultManifestFile)
    const found = yield* connectionOptions(config, file, graph, overrides.allowInsecureHttp ?? false)
    const settings = overrides.validation === undefined ? found : { ...found, options: { ...found.options, validation: overrides.validation } }
    const handBack = yield* ConfigHandBack
    // the file as it was read: what goes back, with the new tokens
    const source = holdsTokens(config) ? yield* configSource(file) : undefined
    const connectionId = config.connection_id ?? "default"
    const info = ConnectionInfo.of({
      connectionId,
      description: settings.tokenStore === undefined
        ? `the tokens of ${file}`
        : `connection "${connectionId}" of the token store ${storeName(settings.tokenStore)}`,
      tokenStore: settings.tokenStore,
      startDate: settings.startDate,
      database: config.database === undefined ? undefined : tokenStorePath(file, config.database),
      databaseSchema: config.database_schema,
      selection: { presets: config.presets, actions: config.actions }
    })
    const options = source === undefined
      ? settings.options
      : { ...settings.options, onTokenRefresh: (connection: StoredConnection) => handBack.save(source, connection) }
    return Layer.merge(Justworks.layer(options), Layer.succeed(ConnectionInfo, info))
  }))

/**
 * A connection of the token store, for connect, disconnect and healthcheck: flags first, then the config
 * file if one is given (`loaded`: its contents, when the caller has read it already), then environment
 * variables and defaults. Only `create` makes a token store that is not there (connect does).
 */
export const storeConnection = (
  flags: StoreFlags,
  selection: { readonly presets: ReadonlyArray<string>; readonly actions: ReadonlyArray<string> },
  options: { readonly create: boolean; readonly loaded?: ConnectorConfig | undefined }
) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const file = Option.getOrUndefined(flags.config)
    const config = file === undefined ? undefined : options.loaded ?? (yield* loadConfig(file))
    const allowInsecureHttp = flags.allowInsecureHttp || config?.allow_insecure_http === true
    for (const key of ["baseUrl", "authorizeUrl"] as const) {
      const value = flags[key]
      if (Option.isSome(value) && !isHttpUrl(value.value)) {
        return yield* new UsageError({
          reason: "InvalidOption",
          message: `--${storeFlagNames[key]} must be an http(s) URL such as https://public-api.justworks.com, got ${JSON.stringify(value.value)}`
        })
      }
      if (Option.isSome(value) && !allowInsecureHttp && isInsecureHttp(value.value)) {
        return yield* new UsageError({
          reason: "InvalidOption",
          message: `--${storeFlagNames[key]} ${redactCredentials(value.value)}: ${insecureHttpFlagDetail}`
        })
      }
    }
    if (config !== undefined && file !== undefined && !allowInsecureHttp) yield* insecureUrls(config, file)
    const chosen = selection.presets.length > 0 || selection.actions.length > 0
    // the flags' presets and actions are checked by the command; the config's here, located in the file
    const selected = chosen || config === undefined || file === undefined
      ? selection
      : yield* configSelection(yield* readManifestEssentials(defaultManifestFile), config, file)
    const env = (name: string) => Config.option(Config.string(name)).pipe(Effect.map(Option.getOrUndefined), Effect.orElseSucceed(() => undefined))
    const clientId = Option.getOrUndefined(flags.clientId) ?? config?.client_id ?? (yield* env("JUSTWORKS_CLIENT_ID"))
    if (clientId === undefined || clientId === "") {
      return yield* new UsageError({ reason: "MissingOption", message: "no OAuth client id: pass --client-id ID (or --config FILE, or set JUSTWORKS_CLIENT_ID)" })
    }
    const secretVariable = Option.getOrElse(flags.clientSecretEnv, () => "JUSTWORKS_CLIENT_SECRET")
    const secretText = yield* env(secretVariable)
    const clientSecret = secretText !== undefined && secretText !== "" ? Redacted.make(secretText) : config?.client_secret
    if (clientSecret === undefined) {
      return yield* new UsageError({
        reason: "MissingOption",
        message: `no OAuth client secret: set ${secretVariable} to it (or pass --config FILE holding client_secret)`
      })
    }
    const configStore = config?.token_store === undefined || file === undefined ? undefined : tokenStorePath(file, config.token_store)
    const tokenStore = Option.getOrUndefined(Option.map(flags.tokenStore, (p) => (isPostgresUrl(p) ? p.trim() : resolve(expandHome(p))))) ?? configStore ?? defaultTokenStore()
    const key = yield* tokenStoreKey({ input: "token store", source: storeName(tokenStore), path: "" })
    const connectionId = Option.getOrUndefined(flags.connection) ?? config?.connection_id ?? "default"
    const info = ConnectionInfo.of({
      connectionId,
      description: `connection "${connectionId}" of the token store ${storeName(tokenStore)}`,
      tokenStore,
      startDate: config?.start_date,
      selection: selected
    })
    const layer = Justworks.layer({
      clientId,
      clientSecret,
      connectionId,
      baseUrl: Option.getOrUndefined(flags.baseUrl) ?? config?.base_url,
      authorizeUrl: Option.getOrUndefined(flags.authorizeUrl) ?? config?.authorize_url,
      allowInsecureHttp,
      tokenStore: tokenStoreAt(tokenStore, key, { create: options.create })
    })
    return Layer.merge(layer, Layer.succeed(ConnectionInfo, info))
  }))

/** The token store flags given on the command line (besides `--config`). */
const storeFlagsGiven = (flags: StoreFlags): Array<string> =>
  (Object.keys(storeFlagNames) as Array<keyof typeof storeFlagNames>)
    .filter((key) => Option.isSome(flags[key]))
    .map((key) => `--${storeFlagNames[key]}`)

/**
 * The connection `healthcheck` checks and `disconnect` revokes: a config file's (its tokens, or the token store
 * it names), unless token store flags are given too, which then come first (as for connect). A config that
 * holds its own tokens does not combine with them.
 */
export const configOrStoreConnection = (flags: StoreFlags) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const file = Option.getOrUndefined(flags.config)
    const given = storeFlagsGiven(flags)
    if (file === undefined) return storeConnection(flags, { presets: [], actions: [] }, { create: false })
    if (given.length === 0) return configConnection(file, { allowInsecureHttp: flags.allowInsecureHttp })
    const config = yield* loadConfig(file)
    if (holdsTokens(config)) {
      return yield* new UsageError({
        reason: "InvalidOption",
        message: `${file} holds its own tokens: ${given.join(", ")} ${given.length === 1 ? "applies" : "apply"} to a connection of the token store; pass either`
      })
    }
    return storeConnection(flags, { presets: [], actions: [] }, { create: false, loaded: config })
  }))

/** The packaged manifest alone (commands that need no connection). */
export const manifestLayer = ConnectorModel.layer(defaultManifestFile)
