/**
 * The state given to `read --state FILE`: what a previous read's STATE messages said, per stream. An array of
 * AirbyteStateMessage of type STREAM (as platforms pass it), or an empty object for no state.
 */
import type { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"
import { decodeJson, readJsonFile } from "../../config/readJson.js"
import { InputError } from "../../config/InputError.js"
import type { Connector } from "../../model/Connector.js"
import { isStrictDateTime, makeConverter } from "../../records/jsonSchemaToEffect.js"
import { deref, isJsonObject } from "../../spec/document.js"
import { makeValidator } from "../../records/RecordSchemas.js"
import type { StreamState } from "../../runtime/StreamReader.js"
import type { ConfiguredStream } from "./ConfiguredCatalog.js"

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

/**
 * Each incremental stream's cursor in the state checked against the query parameter it is sent as (a
 * date-time for `updated_at_gte`): a cursor edited by hand fails here, naming the stream, rather than as the
 * API's refusal in the middle of the read.
 */
export const checkCursors = (
  file: string,
  state: ReadonlyMap<string, StreamState>,
  streams: ReadonlyArray<ConfiguredStream>,
  connector: Connector
): Effect.Effect<void, InputError> =>
  Effect.suspend(() => {
    const converter = makeConverter(connector.spec.document)
    for (const { stream, incremental } of streams) {
      const cursor = state.get(stream.name)?.cursor
      const param = stream.cursor?.requestParam
      if (!incremental || cursor === undefined || param === undefined) continue
      const parameter = stream.endpoint.operation.parameters.find((p) => p.in === "query" && p.name === param)
      if (parameter?.schema === undefined) continue
      // a date-time is taken strictly in a request (records are read leniently)
      const schema = deref(connector.spec.document, parameter.schema)
      const problem = isJsonObject(schema) && schema["format"] === "date-time"
        ? (isStrictDateTime(cursor) ? undefined : `Expected an RFC 3339 date-time with seconds and a time zone (e.g. 2025-01-31T12:00:00Z), actual ${JSON.stringify(cursor)}`)
        : makeValidator(converter.convert(parameter.schema))(cursor)?.message
      if (problem !== undefined) {
        return Effect.fail(new InputError({
          reason: "Invalid",
          input: "state",
          source: file,
          path: "",
          detail: `stream ${stream.name}: its cursor is sent as ${param}: ${problem}`
        }))
      }
    }
    return Effect.void
  })
