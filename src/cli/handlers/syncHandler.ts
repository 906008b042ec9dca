/**
 * `sync`: the main job. Reads every stream the connection's scopes allow into the sync database, shows the
 * progress, and ends with a summary; interrupted (Ctrl-C), it says how to resume.
 */
import { Cause, Clock, Effect, Exit } from "effect"
import { AuthorizedConnection } from "../../auth/AuthorizedConnection.js"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import { readableStreams } from "../../model/readableStreams.js"
import { runStreams } from "../../driver/runStreams.js"
import { SyncProgress } from "../../sync/SyncProgress.js"
import { syncSink } from "../../sync/syncSink.js"
import { fieldsOfSchema } from "../../sync/columns.js"
import { SyncStore } from "../../sync/SyncStore.js"
import { CommandFailed } from "../CommandFailed.js"
import { ConnectionInfo } from "../ConnectionInfo.js"
import { formatCount, formatSeconds } from "../renderTable.js"
import { SyncDisplay } from "../SyncDisplay.js"
import { UsageError } from "../UsageError.js"
import type { StreamModel } from "../../model/Connector.js"
import { isCalendarDate } from "../../records/jsonSchemaToEffect.js"


/** "1 stream", "2 streams" */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`

export interface SyncArgs {
  /** comma-separated stream names (default: every stream the scopes allow) */
  readonly streams?: string | undefined
  readonly startDate?: string | undefined
  /** forget the saved state of the streams synced */
  readonly fullRefresh?: boolean | undefined
}

export const syncHandler = (args: SyncArgs) =>
  Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const info = yield* ConnectionInfo
    const store = yield* SyncStore
    const display = yield* SyncDisplay
    const connection = yield* Effect.flatMap(AuthorizedConnection, (c) => c.current)
    const readable = readableStreams(connector, connection.grantedScopes)
    const streams = yield* chosenStreams(args.streams, connector.streams, readable)
    if (args.startDate !== undefined && !isCalendarDate(args.startDate)) {
      return yield* new UsageError({ reason: "InvalidOption", message: `--start-date must be a day written YYYY-MM-DD, got ${JSON.stringify(args.startDate)}` })
    }
    const startDate = args.startDate ?? info.startDate
    if (args.fullRefresh === true) yield* Effect.forEach(streams, (s) => store.resetState(s.name), { discard: true })
    const started = yield* Clock.currentTimeMillis
    yield* display.begin(`Syncing ${count(streams.length, "stream")} from ${info.description} into ${store.location}`, streams.map((s) => s.name))
    // every stream with a cursor is read incrementally; any stream resumes a read a previous run left under way
    const runs = yield* Effect.forEach(streams, (stream) =>
      Effect.map(store.state(stream.name), (state) => ({ stream, incremental: stream.cursor !== undefined, state })))
    // the columns of each table: every field its records' schema declares (whatever the scopes grant)
    const sink = syncSink(store, yield* SyncProgress, (name) => fieldsOfSchema(connector.records.catalogSchema(name)))
    const results = yield* runStreams({ streams: runs, startDate, concurrency: connector.concurrency.streams }, sink).pipe(
      Effect.onExit((exit) =>
        Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)
          ? display.finish("Interrupted: everything written so far is saved with its state. Run the same command again to resume.")
          : Exit.isFailure(exit)
          ? display.finish("Stopped by the error below; everything written before it is saved.")
          : Effect.void
      )
    )
    const seconds = formatSeconds((yield* Clock.currentTimeMillis) - started)
    const total = formatCount(results.reduce((n, r) => n + r.records, 0))
    const failed = results.filter((r) => !r.ok).map((r) => r.stream)
    yield* display.finish(
      failed.length === 0
        ? `Synced ${total} records of ${count(results.length, "stream")} in ${seconds} s into ${store.location}. Run it again: incremental streams then read only what changed.`
        : `Synced ${total} records in ${seconds} s; ${count(failed.length, "stream")} failed (see above), the others are complete.`
    )
    if (failed.length > 0) {
      return yield* new CommandFailed({
        reason: "StreamsIncomplete",
        message: `${failed.length} of ${count(results.length, "stream")} did not complete: ${failed.join(", ")}`
      })
    }
  })

/** The streams `--streams` names (each known, each readable with the connection's scopes), or every readable one. */
const chosenStreams = (
  list: string | undefined,
  all: ReadonlyArray<StreamModel>,
  readable: ReadonlyArray<StreamModel>
): Effect.Effect<ReadonlyArray<StreamModel>, UsageError> => {
  if (list === undefined) return Effect.succeed(readable)
  const names = list.split(",").map((n) => n.trim()).filter((n) => n !== "")
  if (names.length === 0) return Effect.fail(new UsageError({ reason: "InvalidOption", message: "--streams needs stream names, separated by commas" }))
  for (const name of names) {
    const stream = all.find((s) => s.name === name)
    if (stream === undefined) {
      return Effect.fail(new UsageError({ reason: "InvalidOption", message: `--streams: unknown stream "${name}"; streams: ${all.map((s) => s.name).join(", ")}` }))
    }
    if (!readable.includes(stream)) {
      return Effect.fail(new UsageError({ reason: "InvalidOption", message: `--streams: the connection may not read stream "${name}": it needs ${stream.requiredScopes.join(", ")}` }))
    }
  }
  // in manifest order, each once
  return Effect.succeed(readable.filter((s) => names.includes(s.name)))
}
