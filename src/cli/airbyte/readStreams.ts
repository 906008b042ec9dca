/**
 * The `read` job: the configured streams, concurrently, as Airbyte messages. Per stream: STREAM_STATUS
 * STARTED, RUNNING with the first records, RECORDs page by page, a STATE after each checkpoint (incremental
 * streams), then COMPLETE; or an ERROR trace and INCOMPLETE, while the other streams go on.
 */
import { Clock, Effect, Stream } from "effect"
import { Justworks } from "../../Justworks.js"
import type { StreamName } from "../../generated/manifestNames.js"
import type { StreamState } from "../../runtime/StreamReader.js"
import { describeError } from "../describeError.js"
import { errorTrace, record, streamState, streamStatus, type AirbyteMessage } from "./AirbyteMessage.js"
import { AirbyteOutput } from "./AirbyteOutput.js"
import type { ConfiguredStream } from "./ConfiguredCatalog.js"

export interface ReadOptions {
  readonly streams: ReadonlyArray<ConfiguredStream>
  readonly state: ReadonlyMap<string, StreamState>
  readonly startDate: string | undefined
  readonly concurrency: number
}

/** Reads every configured stream; yields the names of those that did not complete. */
export const readStreams = (options: ReadOptions): Effect.Effect<Array<string>, never, Justworks | AirbyteOutput> =>
  Effect.gen(function*() {
    const justworks = yield* Justworks
    const output = yield* AirbyteOutput
    const now = Clock.currentTimeMillis
    const readOne = ({ stream, incremental }: ConfiguredStream) =>
      Effect.gen(function*() {
        const name = stream.name
        yield* output.emit([streamStatus(yield* now, name, "STARTED")])
        let running = false
        let sinceState = 0
        const state = incremental ? options.state.get(name) : undefined
        const read = justworks.read(name as StreamName, { startDate: options.startDate, state }).pipe(
          Stream.runForEach((event) =>
            Effect.gen(function*() {
              const at = yield* now
              if (event._tag === "Checkpoint") {
                if (!incremental) return
                const message = streamState(name, event.state, sinceState)
                sinceState = 0
                return yield* output.emit([message])
              }
              const messages: Array<AirbyteMessage> = running ? [] : [streamStatus(at, name, "RUNNING")]
              running = true
              for (const data of event.records) messages.push(record(name, data, at))
              sinceState += event.records.length
              yield* output.emit(messages)
            })
          )
        )
        return yield* read.pipe(
          Effect.zipRight(Effect.flatMap(now, (at) => output.emit([streamStatus(at, name, "COMPLETE")]))),
          Effect.as([] as Array<string>),
          Effect.catchAll((error) =>
            Effect.gen(function*() {
              const at = yield* now
              const described = describeError(error)
              yield* output.emit([
                errorTrace(at, { message: described.message, failureType: described.failureType, stream: name }),
                streamStatus(at, name, "INCOMPLETE")
              ])
              return [name]
            })
          )
        )
      })
    const failed = yield* Effect.forEach(options.streams, readOne, { concurrency: options.concurrency })
    return failed.flat()
  })
