/**
 * The state given to `read --state FILE`: what a previous read's STATE messages said, per stream. An array of
 * AirbyteStateMessage of type STREAM (as platforms pass it), or an empty object for no state.
 */
import type { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"
import { isJsonObject } from "../../records/jsonSchemaToEffect.js"
import { decodeJson, readJsonFile } from "../../config/readJson.js"
import type { InputError } from "../../config/InputError.js"
import type { StreamState } from "../../runtime/StreamReader.js"

export const InputState = Schema.Array(Schema.Struct({
  type: Schema.Literal("STREAM"),
  stream: Schema.Struct({
    stream_descriptor: Schema.Struct({ name: Schema.String, namespace: Schema.optional(Schema.String) }),
    stream_state: Schema.optional(Schema.Struct({ cursor: Schema.optional(Schema.String) }))
  })
}))

/** Read the state file: the state per stream name. */
export const loadState = (file: string): Effect.Effect<ReadonlyMap<string, StreamState>, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const from = { input: "state", source: file }
    const json = yield* readJsonFile(from)
    const empty = isJsonObject(json) && Object.keys(json).length === 0
    const messages = empty ? [] : yield* decodeJson(InputState, from, { onExcessProperty: "ignore" })(json)
    return new Map(messages.map((m) => [m.stream.stream_descriptor.name, { cursor: m.stream.stream_state?.cursor }]))
  })
