/**
 * The `SyncStore` on a SQL database, for SQLite and PostgreSQL alike (what differs is a `SqlDialect`):
 * - one table per stream, named after it: a column per record field (`columns.ts`: typed, JSON for nested
 *   values; the primary-key fields as NOT NULL text, a null key field stored as ""), `_raw` (JSON: the
 *   values that did not fit their column), `_synced_at` (time of the write) and `_deleted_at` (set when a
 *   whole read of the stream no longer had the row); primary key = the stream's, so rows are upserted; a
 *   stream without primary key keeps the rows of its last read only;
 * - `_columns (stream, field, name, type, key_position, position)`: which column holds which field, so a
 *   table keeps its names and types from run to run; a field first seen gets a column (`ALTER TABLE … ADD`),
 *   in the transaction of the records that brought it;
 * - `_state (stream, state, updated_at)`: each stream's last checkpoint, written in the transaction of the
 *   records before it;
 * - `_sync_migrations`: the versions of this layout applied (on first use).
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { Clock, Effect, Schema } from "effect"
import { type StreamState, StreamStateSchema } from "../runtime/StreamState.js"
import { migrate, type Migration } from "../sql/migrations.js"
import {
  type Column,
  type ColumnType,
  DELETED_AT,
  emptyReport,
  fits,
  type LayoutReport,
  mismatches,
  newColumns,
  quote,
  RAW,
  SYNCED_AT,
  unseenFields
} from "./columns.js"
import { SyncStore, type SyncBatch, type SyncTable } from "./SyncStore.js"
import { SyncStoreError } from "./SyncStoreError.js"

/** A value as the driver binds it. */
export type Primitive = string | number | boolean | null

/** What one SQL database does its own way. */
export interface SqlDialect {
  /** a table (or a store table such as `_state`) as SQL names it */
  readonly table: (name: string) => string
  /** the column type of a field type */
  readonly columnType: (type: ColumnType) => string
  /** the column type of `_synced_at` / `_deleted_at` */
  readonly timeType: string
  /** the `n`-th parameter (1-based) of a statement, cast to the type it fills */
  readonly param: (n: number, type: ColumnType | "time" | "plain") => string
  /**
   * The `n`-th parameter as an array of values of a type, where rows are bound one array per column
   * (PostgreSQL: `unnest`): then an upsert has one text and a few parameters whatever its rows, which the
   * server plans at once, where a statement of a parameter per value is planned again for every batch at a
   * cost above the rows'.
   */
  readonly arrayParam?: ((n: number, type: ColumnType) => string) | undefined
  /** a value of a field type as the driver binds it */
  readonly encode: (type: ColumnType, value: unknown) => Primitive
  /** whether the stream's table exists */
  readonly tableExists: (sql: SqlClient.SqlClient, name: string) => Effect.Effect<boolean, unknown>
  /** the statements of a new database (PostgreSQL: its schema) and the lock they run under */
  readonly postgres?: { readonly lock: string; readonly before: ReadonlyArray<string> } | undefined
  /** bound parameters per statement at most */
  readonly maxParams: number
}

/**
 * A second way to write a batch's rows, for a driver that runs statements synchronously (SQLite): the
 * statements `[text, parameters]` in one transaction, prepared once per text, without an effect per
 * statement. The store calls it only while no transaction of its SQL client is open, and only for batches
 * that add no column.
 */
export interface DirectWriter {
  readonly transaction: (statements: ReadonlyArray<readonly [string, ReadonlyArray<Primitive>]>) => void
}

interface StoredColumn extends Column {
  /** position in the primary key (0-based), undefined for other fields */
  readonly key: number | undefined
}

/** How a batch's rows go into a table of given columns (made once per column set). */
interface WritePlan {
  readonly columns: ReadonlyArray<StoredColumn>
  readonly keyed: boolean
  readonly keyFields: ReadonlyArray<string>
  /** parameters a row binds: its columns, `_raw`, `_synced_at` */
  readonly perRow: number
  /** rows per statement at most */
  readonly chunk: number
  /** the upsert of `rows` rows (made once for each number of rows) */
  readonly text: (rows: number) => string
}

interface TableEntry {
  readonly table: SyncTable
  columns: ReadonlyArray<StoredColumn>
  plan: WritePlan
  /** when this store created the table (ISO), undefined if it existed: no row of it is older */
  readonly createdAt: string | undefined
}

const causeText = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  return cause instanceof Error ? cause.message : String(cause)
}

export const unavailable = (location: string, doing: string) => (cause: unknown) =>
  new SyncStoreError({ reason: "Unavailable", message: `could not ${doing} ${location}: ${causeText(cause)}`, cause })

/** A key value as text: a null key field (a payroll fee of no member) is "", as SQL NULLs never equal each other. */
const keyText = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return JSON.stringify(value)
}

type Row = Readonly<Record<string, unknown>>

/**
 * Rows bound flat (`perRow` values each, `_synced_at` last) as one array per column and the one `_synced_at`:
 * the parameters of an upsert bound by column (`arrayParam`). The driver binds an array as the server's array.
 */
const byColumn = (flat: ReadonlyArray<Primitive>, perRow: number, rows: number): Array<Primitive> => {
  const columns: Array<Array<Primitive>> = Array.from({ length: perRow - 1 }, () => new Array<Primitive>(rows))
  for (let r = 0; r < rows; r++) {
    const at = r * perRow
    for (let c = 0; c < perRow - 1; c++) columns[c]![r] = flat[at + c]!
  }
  return [...(columns as unknown as Array<Primitive>), flat[perRow - 1]!]
}

/**
 * One record per key, the batch's last of it, in the order each key first came: an upsert statement may not
 * touch a row twice (PostgreSQL). The batch itself when no key repeats.
 */
const latestByKey = (records: ReadonlyArray<Row>, keys: ReadonlyArray<string>): ReadonlyArray<Row> => {
  const byKey = new Map<string, Row>()
  if (keys.length === 1) {
    const k = keys[0]!
    for (const record of records) byKey.set(keyText(record[k]), record)
  } else {
    for (const record of records) byKey.set(JSON.stringify(keys.map((k) => keyText(record[k]))), record)
  }
  return byKey.size === records.length ? records : [...byKey.values()]
}

const StoredState = Schema.parseJson(StreamStateSchema)
const decodeState = Schema.decodeUnknownEither(StoredState)

const migrations = (d: SqlDialect): ReadonlyArray<Migration> => [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${d.table("_state")} (stream TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at ${d.timeType} NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${d.table("_columns")} (stream TEXT NOT NULL, field TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, key_position INTEGER, position INTEGER NOT NULL, PRIMARY KEY (stream, field))`
    ]
  }
]

export const make = (
  dialect: SqlDialect,
  sql: SqlClient.SqlClient,
  location: string,
  direct?: DirectWriter | undefined
): Effect.Effect<SyncStore["Type"], SyncStoreError> =>
  Effect.gen(function*() {
    const d = dialect
    const p = (n: number) => d.param(n, "plain")
    yield* migrate(sql, { table: d.table("_sync_migrations"), postgres: d.postgres }, migrations(d)).pipe(
      Effect.mapError(unavailable(location, "open"))
    )
    const tables = new Map<string, TableEntry>()
    // the store's transactions on the client one at a time, and a direct write never while one is open
    const lock = yield* Effect.makeSemaphore(1)
    let open = 0
    const exclusive = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      lock.withPermits(1)(Effect.suspend(() => {
        open++
        return Effect.ensuring(self, Effect.sync(() => open--))
      }))

    const storedColumns = (stream: string) =>
      sql.unsafe<{ readonly field: string; readonly name: string; readonly type: string; readonly key_position: number | string | null }>(
        `SELECT field, name, type, key_position FROM ${d.table("_columns")} WHERE stream = ${p(1)} ORDER BY position`,
        [stream]
      ).pipe(Effect.map((rows) =>
        rows.map((r): StoredColumn => ({
          field: r.field,
          name: r.name,
          type: r.type as ColumnType,
          key: r.key_position === null ? undefined : Number(r.key_position)
        }))
      ))

    const recordColumns = (stream: string, columns: ReadonlyArray<StoredColumn>, from: number) =>
      Effect.forEach(columns, (c, i) =>
        sql.unsafe(
          `INSERT INTO ${d.table("_columns")} (stream, field, name, type, key_position, position) VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(", ")})`,
          [stream, c.field, c.name, c.type, c.key ?? null, from + i]
        ), { discard: true })

    const columnDef = (c: StoredColumn) =>
      c.key !== undefined ? `${quote(c.name)} ${d.columnType("text")} NOT NULL` : `${quote(c.name)} ${d.columnType(c.type)}`

    const prepare = (table: SyncTable) =>
      Effect.gen(function*() {
        const name = d.table(table.stream)
        const exists = yield* d.tableExists(sql, table.stream)
        let columns = yield* storedColumns(table.stream)
        if (exists && columns.length === 0) {
          return yield* new SyncStoreError({
            reason: "Incompatible",
            message: `table ${table.stream} in ${location} was written by an earlier version (records as JSON in a data column): drop it, or sync into another database, to get typed columns`
          })
        }
        let added: ReadonlyArray<StoredColumn> = []
        const createdAt = exists ? undefined : new Date(yield* Clock.currentTimeMillis).toISOString()
        if (!exists) {
          const keys = newColumns([], table.primaryKey.map((field) => ({ field, type: "text" as const })))
            .map((c, i): StoredColumn => ({ ...c, type: "text", key: i }))
          const fields = newColumns(keys, table.fields.filter((f) => !table.primaryKey.includes(f.field)))
            .map((c): StoredColumn => ({ ...c, key: undefined }))
          columns = [...keys, ...fields]
          const pk = keys.length > 0 ? `, PRIMARY KEY (${keys.map((c) => quote(c.name)).join(", ")})` : ""
          const system = [`${quote(RAW)} ${d.columnType("json")}`, `${quote(SYNCED_AT)} ${d.timeType} NOT NULL`, `${quote(DELETED_AT)} ${d.timeType}`]
          yield* Effect.gen(function*() {
            // the columns of a table dropped by hand
            yield* sql.unsafe(`DELETE FROM ${d.table("_columns")} WHERE stream = ${p(1)}`, [table.stream])
            yield* sql.unsafe(`CREATE TABLE ${name} (${[...columns.map(columnDef), ...system].join(", ")}${pk})`)
            yield* recordColumns(table.stream, columns, 0)
          }).pipe(sql.withTransaction)
        } else {
          const have = columns.filter((c) => c.key !== undefined).sort((a, b) => a.key! - b.key!).map((c) => c.field)
          if (have.join(",") !== table.primaryKey.join(",")) {
            return yield* new SyncStoreError({
              reason: "Incompatible",
              message: `table ${table.stream} in ${location} is keyed by (${have.join(", ")}), the stream by (${table.primaryKey.join(", ")}): drop the table or sync into another database`
            })
          }
          // fields the schema declares now that it did not when the table was made
          added = newColumns(columns, table.fields).map((c): StoredColumn => ({ ...c, key: undefined }))
          if (added.length > 0) yield* addColumns(table.stream, columns.length, added).pipe(sql.withTransaction)
          columns = [...columns, ...added]
        }
        tables.set(table.stream, { table, columns, plan: planOf(table, columns), createdAt })
        return { added, mismatched: [] } satisfies LayoutReport
      }).pipe(
        Effect.mapError((e) => (e instanceof SyncStoreError ? e : unavailable(location, `create table ${table.stream} in`)(e))),
        exclusive
      )

    const addColumns = (stream: string, from: number, added: ReadonlyArray<StoredColumn>) =>
      Effect.zipRight(
        Effect.forEach(added, (c) => sql.unsafe(`ALTER TABLE ${d.table(stream)} ADD COLUMN ${columnDef(c)}`), { discard: true }),
        recordColumns(stream, added, from)
      )

    const state = (stream: string) =>
      sql.unsafe<{ readonly state: string }>(`SELECT state FROM ${d.table("_state")} WHERE stream = ${p(1)}`, [stream]).pipe(
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

    /** the upsert of `rows` rows into the table of `columns` (bound one array per column: of any number of rows) */
    const upsert = (stream: string, columns: ReadonlyArray<StoredColumn>, keyed: boolean, rows: number) => {
      const names = [...columns.map((c) => quote(c.name)), quote(RAW), quote(SYNCED_AT)]
      const types: Array<ColumnType> = [...columns.map((c) => (c.key !== undefined ? "text" : c.type)), "json"]
      const keys = columns.filter((c) => c.key !== undefined).map((c) => quote(c.name))
      const set = [...columns.filter((c) => c.key === undefined).map((c) => quote(c.name)), quote(RAW), quote(SYNCED_AT)]
        .map((c) => `${c} = excluded.${c}`)
      const conflict = keyed ? ` ON CONFLICT (${keys.join(", ")}) DO UPDATE SET ${[...set, `${quote(DELETED_AT)} = NULL`].join(", ")}` : ""
      const into = `INSERT INTO ${d.table(stream)} (${names.join(", ")})`
      const arrayParam = d.arrayParam
      if (arrayParam !== undefined) {
        const arrays = types.map((t, i) => arrayParam(i + 1, t)).join(", ")
        return `${into} SELECT u.*, ${d.param(types.length + 1, "time")} FROM unnest(${arrays}) AS u${conflict}`
      }
      let n = 0
      const tuples = Array.from({ length: rows }, () => `(${[...types, "time" as const].map((t) => d.param(++n, t)).join(", ")})`)
      return `${into} VALUES ${tuples.join(", ")}${conflict}`
    }

    /** how the rows of a table with these columns are written: made when its columns change, not per batch */
    const planOf = (table: SyncTable, columns: ReadonlyArray<StoredColumn>): WritePlan => {
      const keyed = table.primaryKey.length > 0
      const perRow = columns.length + 2
      const texts = new Map<number, string>()
      return {
        columns,
        keyed,
        keyFields: table.primaryKey,
        perRow,
        chunk: Math.max(1, Math.min(500, Math.floor(d.maxParams / perRow))),
        text: (rows) => {
          const size = d.arrayParam === undefined ? rows : 0
          let text = texts.get(size)
          if (text === undefined) texts.set(size, text = upsert(table.stream, columns, keyed, rows))
          return text
        }
      }
    }

    const saveState = `INSERT INTO ${d.table("_state")} (stream, state, updated_at) VALUES (${p(1)}, ${p(2)}, ${d.param(3, "time")})
              ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`

    /**
     * A record's row appended to `out`, in the order of the plan's columns, then `_raw` and `_synced_at`: key
     * fields as text, values that fit their column encoded, NULL for absent ones; a value that does not fit
     * goes to `_raw` and is counted in `tally`.
     */
    const pushRow = (columns: ReadonlyArray<StoredColumn>, record: Readonly<Record<string, unknown>>, now: string, tally: Map<string, number>, out: Array<Primitive>) => {
      let raw: Record<string, unknown> | undefined
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i]!
        const value = record[c.field]
        if (c.key !== undefined) out.push(keyText(value))
        else if (value === null || value === undefined) out.push(null)
        else if (fits(c.type, value)) out.push(d.encode(c.type, value))
        else {
          ;(raw ??= {})[c.field] = value
          tally.set(c.field, (tally.get(c.field) ?? 0) + 1)
          out.push(null)
        }
      }
      out.push(raw === undefined ? null : JSON.stringify(raw), now)
    }

    const write = (batch: SyncBatch) =>
      Effect.gen(function*() {
        const entry = tables.get(batch.stream)
        if (entry === undefined) return yield* Effect.dieMessage(`sync store: table ${batch.stream} was not prepared`)
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const unseen = unseenFields(entry.columns, batch.records)
        const added = unseen.length === 0
          ? []
          : newColumns(entry.columns, unseen).map((c): StoredColumn => ({ ...c, key: undefined }))
        const plan = added.length === 0 ? entry.plan : planOf(entry.table, [...entry.columns, ...added])
        const records = plan.keyed ? latestByKey(batch.records, plan.keyFields) : batch.records
        const tally = new Map<string, number>()
        // each statement's parameters, built flat: no array, object or SQL text per record
        const statements: Array<readonly [string, Array<Primitive>]> = []
        for (let i = 0; i < records.length; i += plan.chunk) {
          const end = Math.min(records.length, i + plan.chunk)
          const params: Array<Primitive> = []
          for (let r = i; r < end; r++) pushRow(plan.columns, records[r]!, now, tally, params)
          statements.push([plan.text(end - i), d.arrayParam === undefined ? params : byColumn(params, plan.perRow, end - i)])
        }
        // a stream replaced whole keeps its rows until records come to replace them
        const replace = batch.replace && batch.records.length > 0 ? `DELETE FROM ${d.table(batch.stream)}` : undefined
        const state = batch.state === undefined ? undefined : [batch.stream, JSON.stringify(batch.state), now]
        if (direct !== undefined && added.length === 0) {
          const all: Array<readonly [string, ReadonlyArray<Primitive>]> = []
          if (replace !== undefined) all.push([replace, []])
          for (const statement of statements) all.push(statement)
          if (state !== undefined) all.push([saveState, state])
          const run = Effect.try({ try: () => direct.transaction(all), catch: unavailable(location, `write ${batch.stream} to`) })
          // synchronous: no transaction can begin while it runs, so it waits only for one already open. (Not
          // under the lock otherwise: run inside it, the batch's records outlived young collections.)
          yield* open === 0 ? run : lock.withPermits(1)(run)
        } else {
          yield* Effect.gen(function*() {
            if (added.length > 0) yield* addColumns(batch.stream, entry.columns.length, added)
            if (replace !== undefined) yield* sql.unsafe(replace)
            for (const [text, params] of statements) yield* sql.unsafe(text, params)
            if (state !== undefined) yield* sql.unsafe(saveState, state)
          }).pipe(sql.withTransaction, Effect.mapError(unavailable(location, `write ${batch.stream} to`)), exclusive)
        }
        if (added.length > 0) {
          entry.columns = plan.columns
          entry.plan = plan
        }
        return added.length === 0 && tally.size === 0 ? emptyReport : { added, mismatched: mismatches(plan.columns, tally) }
      })

    const resetState = (stream: string) =>
      sql.unsafe(`DELETE FROM ${d.table("_state")} WHERE stream = ${p(1)}`, [stream]).pipe(
        Effect.asVoid,
        Effect.mapError(unavailable(location, `reset the state of ${stream} in`))
      )

    const markDeleted = (stream: string, since: string) =>
      Effect.gen(function*() {
        // a table made by this store after the read began holds only rows written since: none to scan for
        const createdAt = tables.get(stream)?.createdAt
        if (createdAt !== undefined && createdAt >= since) return 0
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const rows = yield* sql.unsafe<{ readonly n: number }>(
          `UPDATE ${d.table(stream)} SET ${quote(DELETED_AT)} = ${d.param(1, "time")} WHERE ${quote(SYNCED_AT)} < ${d.param(2, "time")} AND ${
            quote(DELETED_AT)
          } IS NULL RETURNING 1 AS n`,
          [now, since]
        )
        return rows.length
      }).pipe(Effect.mapError(unavailable(location, `mark the deleted rows of ${stream} in`)))

    const count = (stream: string) =>
      sql.unsafe<{ readonly n: number | string }>(`SELECT count(*) AS n FROM ${d.table(stream)}`).pipe(
        Effect.map((rows) => Number(rows[0]?.n ?? 0)),
        Effect.mapError(unavailable(location, `count the rows of ${stream} in`))
      )

    return SyncStore.of({ location, prepare, state, resetState, write, markDeleted, count })
  })
