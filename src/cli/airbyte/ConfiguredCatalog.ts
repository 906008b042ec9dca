/**
 * The configured catalog given to `read --catalog FILE`: which streams to read and how. Checked against the
 * connector before anything is read: every stream exists, the connection may read it, and it is configured
 * once. Read as real clients write it: fields this connector does not use are ignored, optional fields may be
 * `null` (pydantic writes them so), and `incremental` asked of a stream without a cursor reads it in full, as
 * the Airbyte CDK does (PyAirbyte asks every stream for `incremental`), with a note saying so.
 */
import type { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import { InputError } from "../../config/InputError.js"
import { readJsonFile } from "../../config/readJson.js"
import type { Connector, StreamModel } from "../../model/Connector.js"
import { readableStreams } from "../../model/readableStreams.js"
import { isJsonObject } from "../../spec/document.js"

/** A stream to read, as the catalog configures it. */
export interface ConfiguredStream {
  readonly stream: StreamModel
  readonly incremental: boolean
}

export interface LoadedCatalog {
  readonly streams: ReadonlyArray<ConfiguredStream>
  /** what was read differently from what the catalog asked, and why */
  readonly notes: ReadonlyArray<string>
}

const kind = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`

/** Read and check the catalog file. */
export const loadCatalog = (
  file: string,
  connector: Connector,
  granted: ReadonlyArray<string>
): Effect.Effect<LoadedCatalog, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const from = { input: "catalog", source: file }
    const json = yield* readJsonFile(from)
    const invalid = (path: string, detail: string) => new InputError({ reason: "Invalid", ...from, path, detail })
    if (!isJsonObject(json) || !Array.isArray(json["streams"])) {
      return yield* invalid("", `expected a configured catalog: an object whose "streams" is an array of configured streams; found ${kind(json)}${isJsonObject(json) ? ` without a "streams" array` : ""}`)
    }
    const all = connector.streams
    const readable = new Set(readableStreams(connector, granted).map((s) => s.name))
    const seen = new Set<string>()
    const out: Array<ConfiguredStream> = []
    const notes: Array<string> = []
    for (const [i, configured] of json["streams"].entries()) {
      const at = `streams[${i}]`
      if (!isJsonObject(configured)) return yield* invalid(at, `expected a configured stream (an object); found ${kind(configured)}`)
      const stream = configured["stream"]
      const name = isJsonObject(stream) ? stream["name"] : undefined
      if (typeof name !== "string") return yield* invalid(`${at}.stream.name`, `expected the stream's name (a string); found ${kind(name)}`)
      const def = all.find((s) => s.name === name)
      if (def === undefined) {
        return yield* invalid(`${at}.stream.name`, `unknown stream "${name}"; streams: ${all.map((s) => s.name).join(", ")}`)
      }
      if (seen.has(name)) return yield* invalid(`${at}.stream.name`, `stream "${name}" is configured twice`)
      seen.add(name)
      if (!readable.has(name)) {
        return yield* invalid(`${at}.stream.name`, `the connection may not read stream "${name}": it needs ${def.requiredScopes.join(", ")}`)
      }
      const mode = configured["sync_mode"]
      if (mode !== "full_refresh" && mode !== "incremental") {
        return yield* invalid(`${at}.sync_mode`, `expected "full_refresh" or "incremental"; found ${typeof mode === "string" ? JSON.stringify(mode) : kind(mode)}`)
      }
      const asked = configured["cursor_field"]
      if (asked !== undefined && asked !== null && !(Array.isArray(asked) && asked.every((f) => typeof f === "string"))) {
        return yield* invalid(`${at}.cursor_field`, `expected a list of field names, or null; found ${kind(asked)}`)
      }
      const incremental = mode === "incremental" && def.cursor !== undefined
      if (mode === "incremental" && def.cursor === undefined) {
        notes.push(`stream ${name} has no cursor: it is read in full (full_refresh), as asked streams without one are`)
      }
      const cursor = def.cursorField
      if (incremental && Array.isArray(asked) && asked.length > 0 && (asked.length !== 1 || asked[0] !== cursor)) {
        return yield* invalid(`${at}.cursor_field`, cursor === undefined
          ? `stream "${name}" follows its parent's cursor; it has no cursor field to choose`
          : `stream "${name}" has the source-defined cursor ["${cursor}"]`)
      }
      out.push({ stream: def, incremental })
    }
    return { streams: out, notes }
  })
