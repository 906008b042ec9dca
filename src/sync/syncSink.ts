/**
 * The sync sink: a run of streams into the `SyncStore`. Records are written with the checkpoint that follows
 * them, in one transaction, so an interrupted sync (Ctrl-C, a failure) resumes where it stopped and never
 * misses a record; records that no checkpoint follows are written in batches. A stream without primary key
 * is replaced whole by its first batch of records of a run (a read that brings none keeps the previous rows).
 * Once a stream has been read whole, its rows the read did not write are marked deleted.
 */
import { Effect } from "effect"
import type { Sink } from "../driver/Sink.js"
import type { ApiRecord, StreamState } from "../runtime/StreamReader.js"
import type { FieldSpec, LayoutReport } from "./columns.js"
import type { SyncProgress } from "./SyncProgress.js"
import type { SyncStore } from "./SyncStore.js"
import type { SyncStoreError } from "./SyncStoreError.js"

/** Records held before they are written without a checkpoint. */
const BATCH_RECORDS = 2_000

interface Pending {
  records: Array<ApiRecord>
  /** the next write drops the stream's rows first */
  replace: boolean
  written: number
}

/**
 * `fields`: the typed fields of a stream's record schema (a column each). What a write adds to a table or
 * cannot fit in it is reported (a `Layout` event).
 */
export const syncSink = (
  store: SyncStore["Type"],
  progress: SyncProgress["Type"],
  fields: (stream: string) => ReadonlyArray<FieldSpec> = () => []
): Sink<SyncStoreError> => {
  const pending = new Map<string, Pending>()
  const layout = (stream: string, report: LayoutReport) =>
    report.added.length === 0 && report.mismatched.length === 0
      ? Effect.void
      : progress.report({ _tag: "Layout", stream, added: report.added, mismatched: report.mismatched })
  const flush = (stream: string, state: StreamState | undefined) =>
    Effect.suspend(() => {
      const entry = pending.get(stream)!
      const records = entry.records
      if (records.length === 0 && state === undefined) return Effect.void
      entry.records = []
      return store.write({ stream, records, state, replace: entry.replace }).pipe(
        // a batch is written whole, even when the sync is being interrupted
        Effect.uninterruptible,
        Effect.tap((report) => layout(stream, report)),
        Effect.tap(() => {
          entry.replace = false
          entry.written += records.length
          return progress.report({ _tag: "Progress", stream, records: entry.written })
        })
      )
    })
  return {
    begin: (stream, state) =>
      Effect.gen(function*() {
        const report = yield* store.prepare({ stream: stream.name, primaryKey: stream.primaryKey, fields: fields(stream.name) })
        yield* layout(stream.name, report)
        pending.set(stream.name, { records: [], replace: stream.primaryKey.length === 0, written: 0 })
        const from = state?.resume !== undefined
          ? "resuming where the last run stopped"
          : state?.cursor !== undefined ? `incremental, from ${state.cursor}` : undefined
        yield* progress.report({ _tag: "Started", stream: stream.name, resumeFrom: from })
      }),
    records: (stream, records) =>
      Effect.suspend(() => {
        const entry = pending.get(stream.name)!
        for (const r of records) entry.records.push(r)
        return entry.records.length >= BATCH_RECORDS ? flush(stream.name, undefined) : Effect.void
      }),
    checkpoint: (stream, state) => flush(stream.name, state),
    complete: (stream, summary) =>
      Effect.gen(function*() {
        yield* flush(stream.name, undefined)
        const deleted = summary.whole && summary.startedAt !== undefined ? yield* store.markDeleted(stream.name, summary.startedAt) : 0
        yield* progress.report({ _tag: "Completed", stream: stream.name, records: summary.records, requests: summary.requests, problems: summary.problems, deleted })
      }),
    // what was read before the failure is kept (the next run reads what followed its last checkpoint again)
    fail: (stream, error, summary) =>
      Effect.zipRight(
        flush(stream.name, undefined),
        progress.report({ _tag: "Failed", stream: stream.name, records: summary.records, requests: summary.requests, problems: summary.problems, error })
      )
  }
}
