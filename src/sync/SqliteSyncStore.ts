/**
 * The sync database in one SQLite file (WAL mode):
 * - one table per stream, named after it: its primary-key columns, `data` (the record as JSON), `synced_at`
 *   (ISO time of the write) and `deleted_at` (set when a whole read of the stream no longer had the row);
 *   primary key = the stream's, so rows are upserted (a null key field is stored as ""); a stream without
 *   primary key keeps the rows of its last read only;
 * - `_state (stream TEXT PRIMARY KEY, state TEXT, updated_at TEXT)`: each stream's last checkpoint, written
 *   in the transaction of the records before it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Clock, Effect, Layer, Schema } from "effect"
import { type StreamState, StreamStateSchema } from "../runtime/StreamState.js"
import { sqliteFileClient } from "../sqlite/sqliteFileClient.js"
import { SyncStore, type SyncBatch, type SyncTable } from "./SyncStore.js"
import { SyncStoreError } from "./SyncStoreError.js"

const quote = (identifier: string) => `"${identifier.replace(/"/g, "\"\"")}"`

/** Columns the store adds; a primary-key field of the same name gets a `pk_` prefix. */
const reserved = new Set(["data", "synced_at", "deleted_at"])
const keyColumn = (field: string) => (reserved.has(field) ? `pk_${field}` : field)

const causeText = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  return cause instanceof Error ? cause.message : String(cause)
}

const unavailable = (location: string, doing: string) => (cause: unknown) =>
  new SyncStoreError({ reason: "Unavailable", message: `could not ${doing} ${location}: ${causeText(cause)}`, cause })

/**
 * A key value as SQLite stores it. A null key field (a payroll fee of no member) is stored as "": SQL NULLs
 * never equal each other, so the row could not be upserted (the record in `data` keeps its null).
 */
const keyValue = (value: unknown): string | number => {
  if (value === undefined || value === null) return ""
  if (typeof value === "string" || typeof value === "number") return value
  if (typeof value === "boolean") return value ? 1 : 0
  return JSON.stringify(value)
}

const StoredState = Schema.parseJson(StreamStateSchema)
const decodeState = Schema.decodeUnknownEither(StoredState)

export const make = (location: string): Effect.Effect<SyncStore["Type"], SyncStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* Effect.gen(function*() {
      yield* sql.unsafe("PRAGMA synchronous = NORMAL")
      yield* sql.unsafe("CREATE TABLE IF NOT EXISTS _state (stream TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)")
    }).pipe(Effect.mapError(unavailable(location, "open")))

    const tables = new Map<string, { readonly upsert: string; readonly columns: ReadonlyArray<string>; readonly table: SyncTable }>()

    const prepare = (table: SyncTable) =>
      Effect.gen(function*() {
        const columns = table.primaryKey.map(keyColumn)
        const name = quote(table.stream)
        const existing = yield* sql.unsafe<{ readonly name: string; readonly pk: number }>(`PRAGMA table_info(${name})`)
        if (existing.length === 0) {
          const keyDefs = columns.map((c) => `${quote(c)} NOT NULL`)
          const pk = columns.length > 0 ? `, PRIMARY KEY (${columns.map(quote).join(", ")})` : ""
          yield* sql.unsafe(`CREATE TABLE ${name} (${[...keyDefs, "data TEXT NOT NULL", "synced_at TEXT NOT NULL", "deleted_at TEXT"].join(", ")}${pk})`)
        } else {
          // tables written before rows were marked deleted
          if (!existing.some((c) => c.name === "deleted_at")) yield* sql.unsafe(`ALTER TABLE ${name} ADD COLUMN deleted_at TEXT`)
          const have = existing.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
          if (have.join(",") !== columns.join(",")) {
            return yield* new SyncStoreError({
              reason: "Incompatible",
              message: `table ${table.stream} in ${location} is keyed by (${have.join(", ")}), the stream by (${columns.join(", ")}): drop the table or sync into another database`
            })
          }
        }
        const all = [...columns, "data", "synced_at"].map(quote)
        const conflict = columns.length > 0
          ? ` ON CONFLICT (${columns.map(quote).join(", ")}) DO UPDATE SET data = excluded.data, synced_at = excluded.synced_at, deleted_at = NULL`
          : ""
        tables.set(table.stream, {
          table,
          columns,
          upsert: `INSERT INTO ${name} (${all.join(", ")}) VALUES (${all.map(() => "?").join(", ")})${conflict}`
        })
      }).pipe(Effect.mapError((e) => (e instanceof SyncStoreError ? e : unavailable(location, `create table ${table.stream} in`)(e))))

    const state = (stream: string) =>
      sql<{ readonly state: string }>`SELECT state FROM _state WHERE stream = ${stream}`.pipe(
        Effect.mapError(unavailable(location, `read the state of ${stream} from`)),
        Effect.flatMap((rows): Effect.Effect<StreamState | undefined, SyncStoreError> => {
          const row = rows[0]
          if (row === undefined) return Effect.succeed(undefined)
          const decoded = decodeState(row.state)
          return decoded._tag === "Right"
            ? Effect.succeed(decoded.right)
            : Effect.fail(new SyncStoreError({
              reason: "Corrupt",
              message: `the saved state of ${stream} in ${location} is not readable: delete its row from _state to read the stream in full`
            }))
        })
      )

    const write = (batch: SyncBatch) =>
      Effect.gen(function*() {
        const entry = tables.get(batch.stream)
        if (entry === undefined) return yield* Effect.dieMessage(`sync store: table ${batch.stream} was not prepared`)
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const { primaryKey } = entry.table
        yield* Effect.gen(function*() {
          // a stream replaced whole keeps its rows until records come to replace them
          if (batch.replace && batch.records.length > 0) yield* sql.unsafe(`DELETE FROM ${quote(batch.stream)}`)
          for (const record of batch.records) {
            const keys = primaryKey.map((k) => keyValue(record[k]))
            yield* sql.unsafe(entry.upsert, [...keys, JSON.stringify(record), now])
          }
          if (batch.state !== undefined) {
            yield* sql`INSERT INTO _state (stream, state, updated_at) VALUES (${batch.stream}, ${JSON.stringify(batch.state)}, ${now})
              ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`
          }
        }).pipe(sql.withTransaction, Effect.mapError(unavailable(location, `write ${batch.stream} to`)))
      })

    const resetState = (stream: string) =>
      sql`DELETE FROM _state WHERE stream = ${stream}`.pipe(Effect.asVoid, Effect.mapError(unavailable(location, `reset the state of ${stream} in`)))

    const markDeleted = (stream: string, since: string) =>
      Effect.gen(function*() {
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const rows = yield* sql.unsafe<{ readonly n: number }>(
          `UPDATE ${quote(stream)} SET deleted_at = ? WHERE synced_at < ? AND deleted_at IS NULL RETURNING 1 AS n`,
          [now, since]
        )
        return rows.length
      }).pipe(Effect.mapError(unavailable(location, `mark the deleted rows of ${stream} in`)))

    const count = (stream: string) =>
      sql.unsafe<{ readonly n: number }>(`SELECT count(*) AS n FROM ${quote(stream)}`).pipe(
        Effect.map((rows) => rows[0]?.n ?? 0),
        Effect.mapError(unavailable(location, `count the rows of ${stream} in`))
      )

    return SyncStore.of({ location, prepare, state, resetState, write, markDeleted, count })
  })

/** The sync store in the SQLite file at `path` (created if missing). */
export const layer = (path: string): Layer.Layer<SyncStore, SyncStoreError> => {
  const location = `the database ${path}`
  return Layer.effect(SyncStore, make(location)).pipe(
    Layer.provide(sqliteFileClient(path, (doing, cause) => unavailable(location, doing)(cause)))
  )
}
