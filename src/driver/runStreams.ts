/**
 * The driver: one place that runs a set of streams into a `Sink`. Streams are read `concurrency` at a time;
 * each stream's records and checkpoints go to the sink in order; a stream that fails is reported to the sink
 * and the others go on; a sink that fails stops the run. `read` (Airbyte) and `sync` (a database) are two
 * sinks of this driver.
 */
import { Effect, Either, Stream } from "effect"
import type { StreamModel } from "../model/Connector.js"
import { StreamReader, type ReadFailure, type StreamState } from "../runtime/StreamReader.js"
import type { Sink, StreamSummary } from "./Sink.js"

/** One stream to run. */
export interface StreamRun {
  readonly stream: StreamModel
  /** read incrementally from `state` (full refresh: from the start, no checkpoints) */
  readonly incremental: boolean
  /** where the stream's last run stopped (used when incremental) */
  readonly state: StreamState | undefined
}

export interface RunOptions {
  readonly streams: ReadonlyArray<StreamRun>
  /** first day of date-windowed streams (default: the reader's, two years ago) */
  readonly startDate?: string | undefined
  /** streams read at once */
  readonly concurrency: number
}

export const runStreams = <E>(
  options: RunOptions,
  sink: Sink<E>
): Effect.Effect<Array<StreamSummary>, E, StreamReader> =>
  Effect.flatMap(StreamReader, (reader) =>
    Effect.forEach(options.streams, ({ stream, incremental, state }) =>
      Effect.gen(function*() {
        const from = incremental ? state : undefined
        let records = 0
        let failure: ReadFailure | undefined
        yield* sink.begin(stream, from)
        // a read failure ends the stream's events as a Left; the sink's own failures stop the run
        yield* Stream.runForEach(Stream.either(reader.read(stream.name, { startDate: options.startDate, state: from })), (item) => {
          if (Either.isLeft(item)) return Effect.sync(() => (failure = item.left))
          const event = item.right
          if (event._tag === "Records") {
            records += event.records.length
            return sink.records(stream, event.records)
          }
          return incremental ? sink.checkpoint(stream, event.state) : Effect.void
        })
        const summary: StreamSummary = { stream: stream.name, records, ok: failure === undefined }
        yield* failure === undefined ? sink.complete(stream, summary) : sink.fail(stream, failure, summary)
        return summary
      }), { concurrency: options.concurrency }))
