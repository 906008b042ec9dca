/**
 * The driver: one place that runs a set of streams into a `Sink`. The reader reads them in groups (a parent
 * read once for every selected child), `concurrency` groups at a time; each stream's records and checkpoints
 * go to the sink in order; a stream that fails is reported to the sink and the others go on; a sink that fails
 * stops the run. `read` (Airbyte) and `sync` (a database) are two sinks of this driver.
 */
import { Effect } from "effect"
import type { StreamModel } from "../model/Connector.js"
import { problemKey } from "../runtime/RecordValidation.js"
import { forEachPulled } from "../runtime/pulled.js"
import { StreamReader, type StreamRun } from "../runtime/StreamReader.js"
import type { Sink, StreamSummary } from "./Sink.js"

export type { StreamRun } from "../runtime/StreamReader.js"

export interface RunOptions {
  readonly streams: ReadonlyArray<StreamRun>
  /** first day of date-windowed streams read from the start (default: the reader's, two years ago) */
  readonly startDate?: string | undefined
  /** groups of streams read at once */
  readonly concurrency: number
}

interface Tally {
  records: number
  readonly problems: Map<string, number>
}

export const runStreams = <E>(
  options: RunOptions,
  sink: Sink<E>
): Effect.Effect<Array<StreamSummary>, E, StreamReader> =>
  Effect.gen(function*() {
    const reader = yield* StreamReader
    const streams = new Map<string, StreamModel>(options.streams.map((r) => [r.stream.name, r.stream]))
    const tallies = new Map<string, Tally>()
    const results = new Map<string, StreamSummary>()
    const tallyOf = (stream: string) => {
      let tally = tallies.get(stream)
      if (tally === undefined) tallies.set(stream, tally = { records: 0, problems: new Map() })
      return tally
    }
    const summary = (stream: string, ok: boolean, requests: number, whole: boolean, startedAt: string | undefined): StreamSummary => {
      const tally = tallyOf(stream)
      const result: StreamSummary = {
        stream,
        records: tally.records,
        ok,
        requests,
        problems: [...tally.problems].map(([problem, records]) => ({ problem, records })),
        whole,
        startedAt
      }
      results.set(stream, result)
      return result
    }
    yield* forEachPulled(reader.run(options.streams, { startDate: options.startDate, concurrency: options.concurrency }), (event) => {
      const stream = streams.get(event.stream)!
      switch (event._tag) {
        case "Started":
          return sink.begin(stream, event.from)
        case "Records": {
          const tally = tallyOf(event.stream)
          tally.records += event.records.length
          for (const problem of event.problems ?? []) {
            const key = problemKey(problem)
            tally.problems.set(key, (tally.problems.get(key) ?? 0) + 1)
          }
          return event.records.length > 0 ? sink.records(stream, event.records) : Effect.void
        }
        case "Checkpoint":
          return sink.checkpoint(stream, event.state)
        case "Completed":
          return sink.complete(stream, summary(event.stream, true, event.requests, event.whole, event.startedAt))
        case "Failed":
          return sink.fail(stream, event.error, summary(event.stream, false, event.requests, false, undefined))
      }
    })
    return options.streams.map((r) => results.get(r.stream.name) ?? summary(r.stream.name, false, 0, false, undefined))
  })
