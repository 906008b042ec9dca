/**
 * The write journal in a SQLite file (the command line uses the connection's token store file by default).
 * Tables (created if missing):
 * - `write_runs (run_id PRIMARY KEY, connection_id, action, input_digest, rows, started_at, finished_at)`
 * - `write_rows (run_id, position, label, row_key, state, result_id, message, batch, updated_at)`, keyed
 *   by (run_id, position)
 * - `_journal_migrations`: the versions of this layout applied (on first use)
 * Rows hold keys, ids and the API's messages, never the rows' content. Each update is one transaction.
 * `make` serves PostgreSQL too (`PgWriteJournal`), with the tables in a schema.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Clock, Effect, Layer } from "effect"
import { migrate, type Migration } from "../sql/migrations.js"
import { sqliteFileClient } from "../sqlite/sqliteFileClient.js"
import { WriteError } from "./WriteError.js"
import { WriteJournal, type JournalRow, type JournalState } from "./WriteJournal.js"

const causeText = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  return cause instanceof Error ? cause.message : String(cause)
}

const STATES: ReadonlyArray<JournalState> = ["pending", "sent", "applied", "unchanged", "failed", "invalid"]

/** Where the journal's tables are: SQLite's main database, or a PostgreSQL schema (created on first use). */
export interface JournalTables {
  /** a table as SQL names it */
  readonly table: (name: string) => string
  /** PostgreSQL: its schema and the advisory lock its migrations run under */
  readonly postgres?: { readonly lock: string; readonly before: ReadonlyArray<string> } | undefined
}

const sqliteTables: JournalTables = { table: (name) => name }

/** The journal's tables, created by versioned migrations on first use. */
const migrations = (t: JournalTables): ReadonlyArray<Migration> => [{
  version: 1,
  statements: [
    `CREATE TABLE IF NOT EXISTS ${t.table("write_runs")} (
        run_id TEXT PRIMARY KEY, connection_id TEXT NOT NULL, action TEXT NOT NULL, input_digest TEXT NOT NULL,
        rows INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT)`,
    `CREATE TABLE IF NOT EXISTS ${t.table("write_rows")} (
        run_id TEXT NOT NULL, position INTEGER NOT NULL, label TEXT NOT NULL, row_key TEXT, state TEXT NOT NULL,
        result_id TEXT, message TEXT, batch INTEGER, updated_at TEXT NOT NULL, PRIMARY KEY (run_id, position))`,
    `CREATE INDEX IF NOT EXISTS write_runs_input ON ${t.table("write_runs")} (connection_id, action, input_digest, started_at)`
  ]
}]

export const make = (location: string, tables: JournalTables = sqliteTables): Effect.Effect<WriteJournal["Type"], WriteError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const failure = (action: string | undefined, doing: string) => (cause: unknown) =>
      new WriteError({ reason: "Journal", ...(action === undefined ? {} : { action }), message: `could not ${doing} the write journal in ${location}: ${causeText(cause)}`, cause })

    yield* migrate(sql, { table: tables.table("_journal_migrations"), postgres: tables.postgres }, migrations(tables)).pipe(
      Effect.mapError(failure(undefined, "open"))
    )
    const runsTable = sql.literal(tables.table("write_runs"))
    const rowsTable = sql.literal(tables.table("write_rows"))

    const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

    const latest: WriteJournal["Type"]["latest"] = (identity) =>
      Effect.gen(function*() {
        const runs = yield* sql<{ run_id: string; started_at: string; finished_at: string | null }>`
          SELECT run_id, started_at, finished_at FROM ${runsTable}
          WHERE connection_id = ${identity.connectionId} AND action = ${identity.action} AND input_digest = ${identity.digest}
          ORDER BY started_at DESC, run_id DESC LIMIT 1`
        const run = runs[0]
        if (run === undefined) return undefined
        const rows = yield* sql<{
          position: number; label: string; row_key: string | null; state: string; result_id: string | null; message: string | null; batch: number | null
        }>`SELECT position, label, row_key, state, result_id, message, batch FROM ${rowsTable} WHERE run_id = ${run.run_id} ORDER BY position`
        const bad = rows.find((r) => !STATES.includes(r.state as JournalState))
        if (bad !== undefined) {
          return yield* new WriteError({
            reason: "Journal",
            action: identity.action,
            message: `the write journal in ${location} holds an unknown state "${bad.state}" for ${bad.label} of run ${run.run_id}`
          })
        }
        return {
          runId: run.run_id,
          startedAt: new Date(run.started_at),
          finishedAt: run.finished_at === null ? null : new Date(run.finished_at),
          rows: rows.map((r): JournalRow => ({
            position: r.position, label: r.label, key: r.row_key, state: r.state as JournalState, id: r.result_id, message: r.message, batch: r.batch
          }))
        }
      }).pipe(Effect.mapError((e) => (e instanceof WriteError ? e : failure(identity.action, "read")(e))))

    const begin: WriteJournal["Type"]["begin"] = (identity, rows) =>
      Effect.gen(function*() {
        const at = yield* now
        const runId = `${Date.parse(at).toString(36)}-${identity.digest.slice(0, 12)}`
        yield* Effect.gen(function*() {
          yield* sql`INSERT INTO ${runsTable} (run_id, connection_id, action, input_digest, rows, started_at)
            VALUES (${runId}, ${identity.connectionId}, ${identity.action}, ${identity.digest}, ${rows.length}, ${at})`
          for (const r of rows) {
            yield* sql`INSERT INTO ${rowsTable} (run_id, position, label, row_key, state, result_id, message, batch, updated_at)
              VALUES (${runId}, ${r.position}, ${r.label}, ${r.key}, ${r.state}, ${r.id}, ${r.message}, ${r.batch}, ${at})`
          }
        }).pipe(sql.withTransaction)
        return runId
      }).pipe(Effect.mapError(failure(identity.action, "write")))

    const update: WriteJournal["Type"]["update"] = (runId, rows) =>
      Effect.gen(function*() {
        const at = yield* now
        yield* Effect.forEach(rows, (r) =>
          sql`UPDATE ${rowsTable} SET state = ${r.state}, result_id = ${r.id}, message = ${r.message}, batch = ${r.batch}, updated_at = ${at}
            WHERE run_id = ${runId} AND position = ${r.position}`, { discard: true }).pipe(sql.withTransaction)
      }).pipe(Effect.mapError(failure(undefined, "write")))

    const finish: WriteJournal["Type"]["finish"] = (runId) =>
      Effect.flatMap(now, (at) => sql`UPDATE ${runsTable} SET finished_at = ${at} WHERE run_id = ${runId}`).pipe(
        Effect.asVoid,
        Effect.mapError(failure(undefined, "write"))
      )

    return WriteJournal.of({ location, latest, begin, update, finish })
  })

/** The write journal in the SQLite file at `path` (created with its directory if missing). */
export const layer = (path: string): Layer.Layer<WriteJournal, WriteError> => {
  const location = `the database ${path}`
  const client = sqliteFileClient(path, (doing, cause) =>
    new WriteError({ reason: "Journal", message: `could not ${doing} ${location}: ${causeText(cause)}`, cause }))
  return Layer.effect(WriteJournal, make(location)).pipe(Layer.provide(client))
}
