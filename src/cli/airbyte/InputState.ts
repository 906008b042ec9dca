/**
 * The state given to `read --state FILE`: what a previous read's STATE messages said, per stream. Read in every
 * form platforms write it: a list of AirbyteStateMessage of type STREAM (optional fields `null`, as pydantic
 * writes them), GLOBAL (its per-stream states are used), or LEGACY (`data`: states by stream name); the same
 * messages wrapped as AirbyteMessages (`{"type": "STATE", "state": …}`); an object of states by stream name;
 * `{}` or `[]` for none. A stream listed twice, or a state that is not this connector's, is an error naming the
 * stream and what was expected.
 */
import type { FileSystem } from "@effect/platform"
import { Effect, Either, ParseResult, Schema } from "effect"
import { InputError } from "../../config/InputError.js"
import { readJsonFile } from "../../config/readJson.js"
import type { Connector } from "../../model/Connector.js"
import { isCalendarDate, isStrictDateTime, makeConverter } from "../../records/jsonSchemaToEffect.js"
import { makeValidator } from "../../records/RecordSchemas.js"
import { deref, isJsonObject } from "../../spec/document.js"
import { type StreamState, StreamStateSchema } from "../../runtime/StreamState.js"
import type { ConfiguredStream } from "./ConfiguredCatalog.js"

const decodeStreamState = Schema.decodeUnknownEither(StreamStateSchema, { onExcessProperty: "error" })

const kind = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`

/** Read the state file: the state per stream name. */
export const loadState = (file: string): Effect.Effect<ReadonlyMap<string, StreamState>, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const from = { input: "state", source: file }
    const json = yield* readJsonFile(from)
    const invalid = (path: string, detail: string) => new InputError({ reason: "Invalid", ...from, path, detail })
    const states = new Map<string, StreamState>()
    const paths = new Map<string, string>()

    const add = (path: string, name: unknown, value: unknown, statePath = path): Either.Either<void, InputError> => {
      if (typeof name !== "string") return Either.left(invalid(path, `expected the stream's name (a string); found ${kind(name)}`))
      const first = paths.get(name)
      if (first !== undefined) return Either.left(invalid(path, `stream "${name}" has a state twice (first at ${first}): keep one`))
      paths.set(name, path)
      // a stream with no state yet
      if (value === undefined || value === null) return Either.right(undefined)
      const decoded = decodeStreamState(value)
      if (Either.isLeft(decoded)) {
        const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
        const inner = issue === undefined ? "" : issue.path.map(String).join(".")
        // a value of the wrong type where the shape is right says what it should be; anything else is not our state
        if (issue !== undefined && issue._tag === "Type" && inner !== "" && !issue.message.includes("{")) {
          return Either.left(invalid(`${statePath}.${inner}`, `stream "${name}": ${issue.message}`))
        }
        const unknownKey = issue?._tag === "Unexpected" ? ` ("${String(issue.path.at(-1))}" is not part of it)` : ""
        return Either.left(invalid(statePath, `stream "${name}": not a state this connector wrote${unknownKey}; ` +
          `expected an object with "cursor" (a string), "resume" and "seen", or null`))
      }
      states.set(name, decoded.right)
      return Either.right(undefined)
    }

    const streamMessage = (path: string, stream: unknown): Either.Either<void, InputError> => {
      if (!isJsonObject(stream)) return Either.left(invalid(path, `expected {"stream_descriptor": …, "stream_state": …}; found ${kind(stream)}`))
      const descriptor = stream["stream_descriptor"]
      return add(`${path}.stream_descriptor.name`, isJsonObject(descriptor) ? descriptor["name"] : undefined, stream["stream_state"], `${path}.stream_state`)
    }

    const message = (path: string, raw: unknown): Either.Either<void, InputError> => {
      // an AirbyteMessage carrying the state message, as a read's output holds it
      const m = isJsonObject(raw) && raw["type"] === "STATE" && isJsonObject(raw["state"]) ? raw["state"] : raw
      if (!isJsonObject(m)) return Either.left(invalid(path, `expected a state message (an object); found ${kind(m)}`))
      const type = m["type"] ?? (m["stream"] !== undefined && m["stream"] !== null ? "STREAM" : m["data"] !== undefined && m["data"] !== null ? "LEGACY" : undefined)
      switch (type) {
        case "STREAM":
          return streamMessage(`${path}.stream`, m["stream"])
        case "GLOBAL": {
          const global = m["global"] ?? m["global_"]
          const list = isJsonObject(global) ? global["stream_states"] : undefined
          if (!Array.isArray(list)) return Either.left(invalid(`${path}.global`, `expected {"stream_states": [...]}; found ${kind(global)}`))
          for (const [i, s] of list.entries()) {
            const done = streamMessage(`${path}.global.stream_states[${i}]`, s)
            if (Either.isLeft(done)) return done
          }
          return Either.right(undefined)
        }
        case "LEGACY":
          return byName(`${path}.data`, m["data"])
        default:
          return Either.left(invalid(`${path}.type`, `expected a state message of type STREAM, GLOBAL or LEGACY; found ${typeof type === "string" ? JSON.stringify(type) : kind(type)}`))
      }
    }

    const byName = (path: string, value: unknown): Either.Either<void, InputError> => {
      if (!isJsonObject(value)) return Either.left(invalid(path, `expected states by stream name (an object); found ${kind(value)}`))
      for (const [name, state] of Object.entries(value)) {
        const done = add(path === "" ? name : `${path}.${name}`, name, state)
        if (Either.isLeft(done)) return done
      }
      return Either.right(undefined)
    }

    const done = Array.isArray(json)
      ? json.reduce<Either.Either<void, InputError>>((acc, m, i) => (Either.isLeft(acc) ? acc : message(`[${i}]`, m)), Either.right(undefined))
      : isJsonObject(json)
      ? byName("", json)
      : Either.left(invalid("", `expected a list of state messages (or {} for none); found ${kind(json)}`))
    if (Either.isLeft(done)) return yield* done.left
    return states
  })

/**
 * Each cursor in the state checked against what it is sent as (a date-time for `updated_at_gte`, a date for
 * date windows): a cursor edited by hand fails here, naming the stream, rather than as the API's refusal in the
 * middle of the read.
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
      const kind = stream.cursor
      if (!incremental || cursor === undefined || kind === undefined) continue
      const problem = (() => {
        if (kind._tag === "Window" || kind._tag === "Snapshot" || (kind._tag === "Parent" && /^\d{4}-\d{2}-\d{2}$/.test(cursor))) {
          return isCalendarDate(cursor) ? undefined : `its cursor is a day: Expected a date (YYYY-MM-DD), actual ${JSON.stringify(cursor)}`
        }
        if (kind._tag !== "Filter") return undefined
        const parameter = stream.endpoint.operation.parameters.find((p) => p.in === "query" && p.name === kind.requestParam)
        if (parameter?.schema === undefined) return undefined
        // a date-time is taken strictly in a request (records are read leniently)
        const schema = deref(connector.spec.document, parameter.schema)
        const found = isJsonObject(schema) && schema["format"] === "date-time"
          ? (isStrictDateTime(cursor) ? undefined : `Expected an RFC 3339 date-time with seconds and a time zone (e.g. 2025-01-31T12:00:00Z), actual ${JSON.stringify(cursor)}`)
          : makeValidator(converter.convert(parameter.schema))(cursor)?.message
        return found === undefined ? undefined : `its cursor is sent as ${kind.requestParam}: ${found}`
      })()
      if (problem !== undefined) {
        return Effect.fail(new InputError({ reason: "Invalid", input: "state", source: file, path: "", detail: `stream ${stream.name}: ${problem}` }))
      }
    }
    return Effect.void
  })
