/**
 * From a decoded config to the options of `Justworks.layer`: tokens from the config (held in memory) or the
 * SQLite token store it names (key from JUSTWORKS_TOKEN_KEY), and the scopes the config's presets and
 * actions grant. Every problem is an `InputError` located in the config file.
 */
import { Config, Effect, Either, Redacted } from "effect"
import { homedir } from "node:os"
import { dirname, join, resolve } from "node:path"
import type { JustworksOptions } from "../Justworks.js"
import { tokenStoreAt } from "../auth/store/tokenStoreAt.js"
import { isPostgresUrl } from "../postgres/pgClient.js"
import { isInsecureHttp } from "../net/urls.js"
import { registerSecret } from "../redaction/redact.js"
import { scopeClosureFor, type Selection, type UnknownSelection } from "../scopes/ScopeAlgebra.js"
import type { ConnectorConfig } from "./ConnectorConfig.js"
import { InputError } from "./InputError.js"
import { shownName } from "./readJson.js"
import type { ManifestEssentials } from "./ManifestEssentials.js"

/** The environment variable holding the token store's encryption key. */
export const tokenKeyVariable = "JUSTWORKS_TOKEN_KEY"

/** The token store's key (an empty variable counts as unset), or an error saying how to set it. */
export const tokenStoreKey = (where: { readonly source: string; readonly path: string; readonly input: string }) =>
  Config.redacted(tokenKeyVariable).pipe(
    Config.validate({ message: "empty", validation: (key) => Redacted.value(key).trim() !== "" }),
    Effect.tap((key) => Effect.sync(() => registerSecret(key))),
    Effect.mapError(() =>
      new InputError({
        reason: "Invalid",
        ...where,
        detail: `the token store needs its encryption key: set ${tokenKeyVariable} (create one with \`openssl rand -hex 32\`, then keep it)`
      })
    )
  )

/**
 * Fails on the first of the config's URLs that is plain http to a host other than this machine: its requests
 * would carry the client secret and the tokens unencrypted (the config's allow_insecure_http is the caller's).
 */
export const insecureUrls = (config: Pick<ConnectorConfig, "base_url" | "authorize_url">, file: string): Effect.Effect<void, InputError> => {
  const key = (["base_url", "authorize_url"] as const).find((k) => config[k] !== undefined && isInsecureHttp(config[k]))
  return key === undefined ? Effect.void : Effect.fail(new InputError({
    reason: "Invalid",
    input: "config",
    source: file,
    path: key,
    detail: "http:// to a host other than this machine would send the client secret and the tokens unencrypted: use https, " +
      "or allow it with allow_insecure_http: true (or --allow-insecure-http)"
  }))
}

/** `~/x` → the home directory's x. */
export const expandHome = (path: string): string => (path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path)

/** A config's token_store: `~/` is the home directory, a relative path is relative to the config file. */
export const tokenStorePath = (file: string, path: string): string =>
  isPostgresUrl(path) ? path.trim() : resolve(dirname(file), expandHome(path))

/** The config's presets and actions; an unknown name is located at its index. */
export const configSelection = (
  graph: ManifestEssentials,
  config: Pick<ConnectorConfig, "presets" | "actions">,
  file: string
): Either.Either<Selection, InputError> => {
  const check = (kind: "presets" | "actions", valid: ReadonlyArray<string>) => {
    const names = config[kind] ?? []
    const bad = names.findIndex((n) => !valid.includes(n))
    return bad < 0 ? undefined : new InputError({
      reason: "Invalid",
      input: "config",
      source: file,
      path: `${kind}[${bad}]`,
      detail: `unknown ${kind === "presets" ? "preset" : "action"} ${shownName(names[bad]!)}; valid: ${valid.join(", ")}`
    })
  }
  const error = check("presets", Object.keys(graph.presets)) ?? check("actions", Object.keys(graph.actions))
  return error === undefined
    ? Either.right({ presets: config.presets, actions: config.actions })
    : Either.left(error)
}

const orDefault = (either: Either.Either<Array<string>, UnknownSelection>): Array<string> => Either.getOrElse(either, () => [])

export interface ConnectionSettings {
  readonly options: JustworksOptions
  /** first day of date-ranged streams (undefined: the library's default, two years ago) */
  readonly startDate: string | undefined
  /** the token store file; undefined when the tokens are the config's */
  readonly tokenStore: string | undefined
}

/** Whether a config holds its own tokens (rather than naming a token store). */
export const holdsTokens = (config: ConnectorConfig): boolean => config.access_token !== undefined || config.refresh_token !== undefined

/** The `Justworks.layer` options for a config read from `file`. */
export const connectionOptions = (
  config: ConnectorConfig,
  file: string,
  graph: ManifestEssentials,
  allowInsecureHttp = false
): Effect.Effect<ConnectionSettings, InputError> =>
  Effect.gen(function*() {
    const selection = yield* configSelection(graph, config, file)
    const base = {
      clientId: config.client_id,
      clientSecret: config.client_secret,
      connectionId: config.connection_id ?? "default",
      baseUrl: config.base_url,
      authorizeUrl: config.authorize_url,
      validation: config.validation,
      allowInsecureHttp: config.allow_insecure_http === true || allowInsecureHttp
    }
    if (!base.allowInsecureHttp) yield* insecureUrls(config, file)
    const startDate = config.start_date
    if (holdsTokens(config) && config.token_store !== undefined) {
      return yield* new InputError({
        reason: "Invalid",
        input: "config",
        source: file,
        path: "token_store",
        detail: "give either the tokens (access_token, refresh_token) or token_store, not both"
      })
    }
    if (holdsTokens(config)) {
      const chosen = (selection.presets?.length ?? 0) > 0 || (selection.actions?.length ?? 0) > 0
      const scopes = chosen ? orDefault(scopeClosureFor(graph, selection)) : undefined
      const options: JustworksOptions = {
        ...base,
        tokens: {
          // a refresh token alone: an already expired access token makes the first request refresh
          accessToken: config.access_token ?? Redacted.make(""),
          refreshToken: config.refresh_token,
          expiresAt: config.access_token === undefined
            ? new Date(0)
            : config.token_expires_at === undefined ? undefined : new Date(config.token_expires_at),
          scopes
        }
      }
      return { options, startDate, tokenStore: undefined }
    }
    if (config.token_store !== undefined) {
      const key = yield* tokenStoreKey({ input: "config", source: file, path: "token_store" })
      const path = tokenStorePath(file, config.token_store)
      // `connect` creates a token store; reading one that is not there creates nothing
      return { options: { ...base, tokenStore: tokenStoreAt(path, key, { create: false }) }, startDate, tokenStore: path }
    }
    return yield* new InputError({
      reason: "Invalid",
      input: "config",
      source: file,
      path: "",
      detail: "no tokens: give access_token and refresh_token, or token_store (a store filled by `justworks-connector connect`)"
    })
  })
