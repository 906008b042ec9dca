/**
 * Where the tokens of a config file go after a refresh: the refresh token the file holds no longer works (the
 * API rotates it), so whoever keeps the config must get the new pair. Airbyte commands hand the whole config
 * back to the platform in a CONTROL message (CONNECTOR_CONFIG), as the Airbyte CDK does after a refresh;
 * the other commands rewrite the file (a temporary file renamed over it, its mode kept) and say so, unless
 * told to leave it, which they warn about.
 */
import { randomBytes } from "node:crypto"
import { chmodSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import type { StoredConnection } from "../auth/store/StoredConnection.js"
import { connectorConfig } from "./airbyte/AirbyteMessage.js"
import { AirbyteOutput } from "./airbyte/AirbyteOutput.js"

/** A config file as it was read: its path, its text (for its layout) and its value (a checked JSON object). */
export interface ConfigSource {
  readonly file: string
  readonly text: string
  readonly value: Readonly<Record<string, unknown>>
}

/** The config with the connection's tokens and the access token's expiry in place of its own. */
export const configWithTokens = (source: ConfigSource, connection: StoredConnection): Record<string, unknown> => ({
  ...source.value,
  access_token: Redacted.value(connection.accessToken),
  ...(connection.refreshToken === undefined ? {} : { refresh_token: Redacted.value(connection.refreshToken) }),
  token_expires_at: connection.accessTokenExpiresAt.toISOString()
})

/** The JSON text of `value` laid out as `like` is: on one line, or indented as its first indented line. */
export const jsonLike = (like: string, value: unknown): string => {
  const indent = /\n([ \t]+)"/.exec(like)?.[1]
  if (indent === undefined && !like.trim().includes("\n")) return `${JSON.stringify(value)}\n`
  return `${JSON.stringify(value, null, indent ?? 2)}\n`
}

/**
 * Replace `file` with `text` atomically: a temporary file beside it (the target of a symbolic link), written,
 * flushed and given the file's mode, renamed over it. A reader sees the old file or the new one, never a part.
 */
export const replaceFile = (file: string, text: string): void => {
  const target = realpathSync(file)
  const mode = statSync(target).mode & 0o7777
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`)
  try {
    const fd = openSync(temp, "wx", 0o600)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    chmodSync(temp, mode)
    renameSync(temp, target)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

const errorText = (error: unknown): string =>
  error instanceof Error ? (error as NodeJS.ErrnoException).code ?? error.message : String(error)

export class ConfigHandBack extends Context.Tag("justworks-connector/cli/ConfigHandBack")<ConfigHandBack, {
  /** the tokens of a refresh, for the config read from `source` */
  readonly save: (source: ConfigSource, connection: StoredConnection) => Effect.Effect<void>
}>() {
  /** A CONTROL message (CONNECTOR_CONFIG) carrying the whole config with the new tokens: what the platform persists. */
  static readonly control: Layer.Layer<ConfigHandBack, never, AirbyteOutput> = Layer.effect(
    ConfigHandBack,
    Effect.map(AirbyteOutput, (output) =>
      ConfigHandBack.of({
        save: (source, connection) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => output.emit([connectorConfig(now, configWithTokens(source, connection))]))
      }))
  )

  /**
   * The file rewritten with the new tokens, and a line (`say`) saying so; with `keep`, the file is left as it
   * is and the line warns that its refresh token no longer works. A file that cannot be written is warned about
   * too: the command goes on with the new tokens.
   */
  static readonly file = (options: { readonly keep: boolean; readonly say: (line: string) => Effect.Effect<void> }): Layer.Layer<ConfigHandBack> =>
    Layer.succeed(
      ConfigHandBack,
      ConfigHandBack.of({
        save: (source, connection) => {
          if (options.keep) {
            return options.say(
              `warning: the tokens were refreshed and ${source.file} left as it is (--keep-config-file): its refresh token no longer works`
            )
          }
          return Effect.try(() => replaceFile(source.file, jsonLike(source.text, configWithTokens(source, connection)))).pipe(
            Effect.matchEffect({
              onSuccess: () => options.say(`the tokens were refreshed; saved them in ${source.file}`),
              onFailure: (error) =>
                options.say(
                  `warning: the tokens were refreshed but could not be saved in ${source.file} (${errorText(error.error)}): its refresh token no longer works`
                )
            })
          )
        }
      })
    )
}
