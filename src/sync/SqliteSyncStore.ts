/**
 * The sync database in one SQLite file (WAL mode), the embedded default: the layout of `sqlSyncStore.ts`
 * with SQLite's types — text, INTEGER (integers, booleans as 0/1), REAL (other numbers), dates and times as
 * ISO text, JSON as text.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { sqliteFileClient } from "../sqlite/sqliteFileClient.js"
import type { ColumnType } from "./columns.js"
import { quote } from "./columns.js"
import { make as makeSqlStore, type SqlDialect, unavailable } from "./sqlSyncStore.js"
import { SyncStore } from "./SyncStore.js"
import type { SyncStoreError } from "./SyncStoreError.js"

const types: Record<ColumnType, string> = {
  text: "TEXT",
  integer: "INTEGER",
  number: "REAL",
  boolean: "INTEGER",
  date: "TEXT",
  timestamp: "TEXT",
  json: "TEXT"
}

export const sqliteDialect: SqlDialect = {
  table: quote,
  columnType: (type) => types[type],
  timeType: "TEXT",
  param: () => "?",
  encode: (type, value) =>
    type === "json" ? JSON.stringify(value) : typeof value === "boolean" ? (value ? 1 : 0) : (value as string | number),
  tableExists: (sql, name) =>
    Effect.map(sql.unsafe<{ readonly n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [name]), (rows) =>
      (rows[0]?.n ?? 0) > 0),
  // SQLite's default limit since 3.32
  maxParams: 32_766
}

export const make = (location: string): Effect.Effect<SyncStore["Type"], SyncStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe("PRAGMA synchronous = NORMAL").pipe(Effect.mapError(unavailable(location, "open")))
    return yield* makeSqlStore(sqliteDialect, sql, location)
  })

/** The sync store in the SQLite file at `path` (created if missing). */
export const layer = (path: string): Layer.Layer<SyncStore, SyncStoreError> => {
  const location = `the database ${path}`
  return Layer.effect(SyncStore, make(location)).pipe(
    Layer.provide(sqliteFileClient(path, (doing, cause) => unavailable(location, doing)(cause)))
  )
}
