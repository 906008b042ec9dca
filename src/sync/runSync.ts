/**
 * The sync job: read streams into the `SyncStore`, concurrently. Incremental streams resume from the state
 * their last sync saved; every batch of records is written in one transaction with the checkpoint that
 * follows it, so an interrupted sync (Ctrl-C, a failure) resumes where it stopped and never misses a record.
 * A stream that fails is reported and the others go on; a store failure stops the sync.
 */
import { Chunk, Effect, Stream } from "effect"
import { Justworks } from "../Justworks.js"
import type { StreamName } from "../generated/manifestNames.js"
import type { StreamModel } from "../model/Connector.js"
import type { ApiRecord, ReadEvent, StreamState } from "../runtime/StreamReader.js"
import { SyncProgress } from "./SyncProgress.js"
import { SyncStore } from "./SyncStore.js"
import type { SyncStoreError } from "./SyncStoreError.js"

export interface SyncOptions {
  readonly streams: ReadonlyArray<StreamModel>
  /** first day of date-ranged streams (default: the library's, two years ago) */
  readonly startDate?: string | undefined
  /** streams read at once */
  readonly concurrency: number
}

export interface StreamResult {
  readonly stream: string
  readonly records: number
  readonly ok: boolean
}

/** Pages arriving within this window (up to `batchPages`) are written in one transaction. */
const batchWindow = "200 millis"
const batchPages = 64

const syncStream = (def: StreamModel, startDate: string | undefined) =>
  Effect.gen(function*() {
    const justworks = yield* Justworks
    const store = yield* SyncStore
    const progress = yield* SyncProgress
    yield* store.prepare({ stream: def.name, primaryKey: def.primaryKey })
    const incremental = def.cursor !== undefined
    const state = incremental ? yield* store.state(def.name) : undefined
    yield* progress.report({ _tag: "Started", stream: def.name, resumeFrom: state?.cursor })
    let written = 0
    let replace = def.primaryKey.length === 0
    const writeBatch = (events: Chunk.Chunk<ReadEvent>) => {
      const records: Array<ApiRecord> = []
      let checkpoint: StreamState | undefined
      for (const event of events) {
        if (event._tag === "Records") records.push(...event.records)
        else checkpoint = event.state
      }
      if (records.length === 0 && checkpoint === undefined) return Effect.void
      return store.write({ stream: def.name, records, state: checkpoint, replace }).pipe(
        // a batch is written whole, even when the sync is being interrupted
        Effect.uninterruptible,
        Effect.tap(() => {
          replace = false
          written += records.length
          return progress.report({ _tag: "Progress", stream: def.name, records: written })
        })
      )
    }
    const read = justworks.read(def.name as StreamName, { startDate, state }).pipe(
      Stream.groupedWithin(batchPages, batchWindow),
      Stream.mapEffect(writeBatch),
      Stream.runDrain
    )
    return yield* read.pipe(
      Effect.matchEffect({
        onFailure: (error): Effect.Effect<StreamResult, SyncStoreError> =>
          error._tag === "SyncStoreError"
            ? Effect.fail(error)
            : Effect.as(progress.report({ _tag: "Failed", stream: def.name, records: written, error }), {
              stream: def.name,
              records: written,
              ok: false
            }),
        onSuccess: () =>
          Effect.as(progress.report({ _tag: "Completed", stream: def.name, records: written }), {
            stream: def.name,
            records: written,
            ok: true
          })
      })
    )
  })

/** Sync the given streams; the result says, per stream, how many records were written and whether it completed. */
export const runSync = (
  options: SyncOptions
): Effect.Effect<Array<StreamResult>, SyncStoreError, Justworks | SyncStore | SyncProgress> =>
  Effect.forEach(options.streams, (def) => syncStream(def, options.startDate), { concurrency: options.concurrency })
