/**
 * Where `sync` keeps what it reads: one table per stream, rows keyed by the stream's primary key, a typed
 * column per record field (see `columns.ts`), and each stream's state saved in the same transaction as the
 * records it follows. SQLite (`SqliteSyncStore`, the embedded default) and PostgreSQL (`PgSyncStore`);
 * anything transactional can implement it.
 */
import { Context, type Effect } from "effect"
import type { ApiRecord, StreamState } from "../runtime/StreamReader.js"
import type { FieldSpec, LayoutReport } from "./columns.js"
import type { SyncStoreError } from "./SyncStoreError.js"

export interface SyncTable {
  readonly stream: string
  /** record fields identifying a row; [] for a stream read whole each time (its rows are replaced) */
  readonly primaryKey: ReadonlyArray<string>
  /** the record fields the stream's schema declares, typed: a column each */
  readonly fields: ReadonlyArray<FieldSpec>
}

export interface SyncBatch {
  readonly stream: string
  readonly records: ReadonlyArray<ApiRecord>
  /** the checkpoint that follows these records: saved with them, atomically */
  readonly state: StreamState | undefined
  /** drop the stream's rows first (the first batch of records of a stream without primary key) */
  readonly replace: boolean
}

export class SyncStore extends Context.Tag("justworks-connector/SyncStore")<SyncStore, {
  /** for messages: e.g. `the database justworks.db` */
  readonly location: string
  /**
   * create the stream's table if missing, add columns for fields it lacks; fails if it exists with other key
   * columns
   */
  readonly prepare: (table: SyncTable) => Effect.Effect<LayoutReport, SyncStoreError>
  /** the state saved by the last sync of the stream */
  readonly state: (stream: string) => Effect.Effect<StreamState | undefined, SyncStoreError>
  /** forget the stream's saved state: its next sync reads it in full */
  readonly resetState: (stream: string) => Effect.Effect<void, SyncStoreError>
  /**
   * upsert the records by primary key and save the state, in one transaction; a field no column holds yet
   * gets one, a value that does not fit its column goes to `_raw` (both reported)
   */
  readonly write: (batch: SyncBatch) => Effect.Effect<LayoutReport, SyncStoreError>
  /**
   * a read of the whole stream ended: its rows not written since `since` (ISO) are gone upstream, and marked
   * deleted (a row written again later is unmarked)
   */
  readonly markDeleted: (stream: string, since: string) => Effect.Effect<number, SyncStoreError>
  /** rows in the stream's table (marked deleted or not) */
  readonly count: (stream: string) => Effect.Effect<number, SyncStoreError>
}>() {}
