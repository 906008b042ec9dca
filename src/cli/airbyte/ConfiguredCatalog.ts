/**
 * The configured catalog given to `read --catalog FILE`: which streams to read and how. Checked against the
 * connector before anything is read: every stream exists, the connection may read it, and it supports the
 * sync mode asked for. Fields this connector does not use are allowed (platforms add their own).
 */
import type { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"
import { InputError } from "../../config/InputError.js"
import { decodeJson, readJsonFile } from "../../config/readJson.js"
import type { Connector, StreamModel } from "../../model/Connector.js"
import { readableStreams } from "../../model/readableStreams.js"

const SyncMode = Schema.Literal("full_refresh", "incremental")

export const ConfiguredCatalog = Schema.Struct({
  streams: Schema.Array(Schema.Struct({
    stream: Schema.Struct({ name: Schema.String }),
    sync_mode: SyncMode,
    cursor_field: Schema.optional(Schema.Array(Schema.String)),
    destination_sync_mode: Schema.optional(Schema.String)
  }))
})

/** A stream to read, as the catalog configures it. */
export interface ConfiguredStream {
  readonly stream: StreamModel
  readonly incremental: boolean
}

const lenient = { onExcessProperty: "ignore" } as const

/** Read and check the catalog file. */
export const loadCatalog = (
  file: string,
  connector: Connector,
  granted: ReadonlyArray<string>
): Effect.Effect<Array<ConfiguredStream>, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const from = { input: "catalog", source: file }
    const catalog = yield* Effect.flatMap(readJsonFile(from), decodeJson(ConfiguredCatalog, from, lenient))
    const all = connector.streams
    const readable = new Set(readableStreams(connector, granted).map((s) => s.name))
    const seen = new Set<string>()
    const invalid = (path: string, detail: string) => new InputError({ reason: "Invalid", ...from, path, detail })
    const out: Array<ConfiguredStream> = []
    for (const [i, configured] of catalog.streams.entries()) {
      const name = configured.stream.name
      const def = all.find((s) => s.name === name)
      if (def === undefined) {
        return yield* invalid(`streams[${i}].stream.name`, `unknown stream "${name}"; streams: ${all.map((s) => s.name).join(", ")}`)
      }
      if (seen.has(name)) return yield* invalid(`streams[${i}].stream.name`, `stream "${name}" is configured twice`)
      seen.add(name)
      if (!readable.has(name)) {
        return yield* invalid(
          `streams[${i}].stream.name`,
          `the connection may not read stream "${name}": it needs ${def.requiredScopes.join(", ")}`
        )
      }
      const cursor = def.cursor?.field
      if (configured.sync_mode === "incremental") {
        if (cursor === undefined) {
          return yield* invalid(`streams[${i}].sync_mode`, `stream "${name}" supports full_refresh only`)
        }
        const asked = configured.cursor_field
        if (asked !== undefined && asked.length > 0 && (asked.length !== 1 || asked[0] !== cursor)) {
          return yield* invalid(`streams[${i}].cursor_field`, `stream "${name}" has the source-defined cursor ["${cursor}"]`)
        }
      }
      out.push({ stream: def, incremental: configured.sync_mode === "incremental" })
    }
    return out
  })
