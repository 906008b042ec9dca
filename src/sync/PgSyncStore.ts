/**
 * The sync database on PostgreSQL: the layout of `sqlSyncStore.ts` in one schema (default `justworks`),
 * with PostgreSQL's types — text, bigint (integers: amounts in cents among them), numeric, boolean, date,
 * timestamptz, jsonb (nested objects and arrays, `_raw`). The schema and the store's tables are created on
 * first use, under an advisory lock.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { describeDatabase, pgClient } from "../postgres/pgClient.js"
import type { ColumnType } from "./columns.js"
import { quote } from "./columns.js"
import { migrationLock } from "../sql/migrations.js"
import { make as makeSqlStore, type SqlDialect } from "./sqlSyncStore.js"
import { SyncStore } from "./SyncStore.js"
import { SyncStoreError } from "./SyncStoreError.js"

export const DEFAULT_SCHEMA = "justworks"

const types: Record<ColumnType, string> = {
  text: "text",
  integer: "bigint",
  number: "numeric",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamptz",
  json: "jsonb"
}

export const pgDialect = (schema: string): SqlDialect => ({
  table: (name) => `${quote(schema)}.${quote(name)}`,
  columnType: (type) => types[type],
  timeType: "timestamptz",
  param: (n, type) => `$${n}${type === "plain" ? "" : `::${type === "time" ? "timestamptz" : types[type]}`}`,
  arrayParam: (n, type) => `$${n}::${types[type]}[]`,
  encode: (type, value) => (type === "json" ? JSON.stringify(value) : (value as string | number | boolean)),
  tableExists: (sql, name) =>
    Effect.map(
      sql.unsafe<{ readonly found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [`${quote(schema)}.${quote(name)}`]),
      (rows) => rows[0]?.found === true
    ),
  postgres: { lock: migrationLock(schema), before: [`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`] },
  maxParams: 65_535
})

/** Why a schema name cannot be used, or undefined. */
export const badSchemaName = (schema: string): string | undefined =>
  schema.trim() === "" ? "is empty" : Buffer.byteLength(schema) > 63 ? "is longer than 63 bytes" : undefined

export const make = (schema: string, location: string): Effect.Effect<SyncStore["Type"], SyncStoreError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => makeSqlStore(pgDialect(schema), sql, location))

/** The sync store in schema `schema` of the PostgreSQL database at `url`. */
export const layer = (url: string, options: { readonly schema?: string | undefined } = {}): Layer.Layer<SyncStore, SyncStoreError> => {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const location = `schema ${schema} of the database ${describeDatabase(url)}`
  const bad = badSchemaName(schema)
  if (bad !== undefined) return Layer.fail(new SyncStoreError({ reason: "Unavailable", message: `the database schema name ${bad}` }))
  return Layer.effect(SyncStore, make(schema, location)).pipe(
    Layer.provide(pgClient(url, (doing, detail, cause) =>
      new SyncStoreError({ reason: "Unavailable", message: `could not ${doing} the database ${describeDatabase(url)}: ${detail}`, cause })))
  )
}
