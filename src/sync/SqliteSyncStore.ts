/**
 * The sync database in one SQLite file (WAL mode), the embedded default: the layout of `sqlSyncStore.ts`
 * with SQLite's types — text, INTEGER (integers, booleans as 0/1), REAL (other numbers), dates and times as
 * ISO text, JSON as text.
 *
 * The rows of a batch are written through a second connection to the file, on the driver itself
 * (better-sqlite3, which @effect/sql-sqlite-node uses too): each upsert prepared once and the batch's
 * statements run in one synchronous transaction, instead of an effect (span, scope, statement cache lookup)
 * per statement, which cost more than the rows themselves. The store runs it only while no transaction of
 * the first connection is open, so the two never wait on each other.
 */
import { createRequire } from "node:module"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Layer, type Scope } from "effect"
import { sqliteFileClient } from "../sqlite/sqliteFileClient.js"
import type { ColumnType } from "./columns.js"
import { quote } from "./columns.js"
import { type DirectWriter, make as makeSqlStore, type Primitive, type SqlDialect, unavailable } from "./sqlSyncStore.js"
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

/** better-sqlite3, as far as the direct writer uses it */
interface Driver {
  new(path: string): {
    readonly pragma: (source: string) => unknown
    readonly prepare: (source: string) => { readonly run: (params: ReadonlyArray<Primitive>) => unknown }
    readonly transaction: <A extends Array<unknown>>(run: (...args: A) => void) => { readonly immediate: (...args: A) => void }
    readonly close: () => unknown
  }
}

/** better-sqlite3 (the driver @effect/sql-sqlite-node uses too), loaded when a store is opened. */
const driver = (): Driver => createRequire(import.meta.url)("better-sqlite3") as Driver

/** Batches written on a connection of their own to the file at `path` (see above); closed with the scope. */
const directWriter = (path: string, location: string): Effect.Effect<DirectWriter, SyncStoreError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({
        try: () => {
          const Database = driver()
          const db = new Database(path)
          db.pragma("synchronous = NORMAL")
          return db
        },
        catch: unavailable(location, "open")
      }),
      (db) => Effect.sync(() => db.close())
    ),
    (db): DirectWriter => {
      const prepared = new Map<string, ReturnType<typeof db.prepare>>()
      const statement = (text: string) => {
        let found = prepared.get(text)
        if (found === undefined) prepared.set(text, found = db.prepare(text))
        return found
      }
      // BEGIN IMMEDIATE: the write lock is taken at once, never upgraded from a read
      const run = db.transaction((statements: ReadonlyArray<readonly [string, ReadonlyArray<Primitive>]>) => {
        for (const [text, params] of statements) statement(text).run(params)
      })
      return { transaction: (statements) => run.immediate(statements) }
    }
  )

export const make = (location: string): Effect.Effect<SyncStore["Type"], SyncStoreError, SqlClient.SqlClient> =>
  makeWith(location, undefined)

const makeWith = (location: string, direct: DirectWriter | undefined) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe("PRAGMA synchronous = NORMAL").pipe(Effect.mapError(unavailable(location, "open")))
    return yield* makeSqlStore(sqliteDialect, sql, location, direct)
  })

/** The sync store in the SQLite file at `path` (created if missing). */
export const layer = (path: string): Layer.Layer<SyncStore, SyncStoreError> => {
  const location = `the database ${path}`
  return Layer.scoped(
    SyncStore,
    Effect.flatMap(directWriter(path, location), (direct) => makeWith(location, direct))
  ).pipe(
    Layer.provide(sqliteFileClient(path, (doing, cause) => unavailable(location, doing)(cause)))
  )
}
