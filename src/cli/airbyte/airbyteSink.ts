/**
 * The Airbyte sink: a run of streams as protocol messages. Per stream: STREAM_STATUS STARTED, RUNNING with the
 * first records, RECORDs, a STATE after each checkpoint (with the records since the last one counted; the last
 * one after the stream's last record, for full-refresh streams too), then COMPLETE, after a LOG warning per
 * kind of record kept that does not match its schema; or an ERROR trace and INCOMPLETE.
 */
import { Clock, Effect } from "effect"
import type { Sink } from "../../driver/Sink.js"
import { describeError } from "../describeError.js"
import type { StreamSummary } from "../../driver/Sink.js"
import { errorTrace, log, streamState, streamStatus, type AirbyteMessage } from "./AirbyteMessage.js"
import type { AirbyteOutput } from "./AirbyteOutput.js"

export const airbyteSink = (output: AirbyteOutput["Type"]): Sink<never> => {
  /** per stream: RUNNING sent, records since the last STATE */
  const progress = new Map<string, { running: boolean; sinceState: number }>()
  const of = (stream: string) => {
    let entry = progress.get(stream)
    if (entry === undefined) progress.set(stream, entry = { running: false, sinceState: 0 })
    return entry
  }
  return {
    begin: (stream) => Effect.flatMap(Clock.currentTimeMillis, (at) => output.emit([streamStatus(at, stream.name, "STARTED")])),
    records: (stream, records) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => {
        const entry = of(stream.name)
        const messages: Array<AirbyteMessage> = entry.running ? [] : [streamStatus(at, stream.name, "RUNNING")]
        entry.running = true
        entry.sinceState += records.length
        // the page's RECORD lines in one write, each record's text as it came where it passed through unchanged
        return output.emitRecords(messages, stream.name, records, at)
      }),
    checkpoint: (stream, state) =>
      Effect.suspend(() => {
        const entry = of(stream.name)
        const message = streamState(stream.name, state, entry.sinceState)
        entry.sinceState = 0
        return output.emit([message])
      }),
    complete: (stream, summary) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => output.emit([...problemLogs(summary), streamStatus(at, stream.name, "COMPLETE")])),
    fail: (stream, error, summary) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => {
        const described = describeError(error)
        return output.emit([
          ...problemLogs(summary),
          errorTrace(at, { message: described.message, failureType: described.failureType, stream: stream.name }),
          streamStatus(at, stream.name, "INCOMPLETE")
        ])
      })
  }
}

/** A LOG warning per kind of record kept although it does not match its schema, with how many. */
const problemLogs = (summary: StreamSummary): Array<AirbyteMessage> =>
  summary.problems.map(({ problem, records }) =>
    log("WARN", `stream ${summary.stream}: ${records} record${records === 1 ? " kept that does" : "s kept that do"} not match the schema: ${problem}`))
