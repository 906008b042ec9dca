/**
 * The write journal on PostgreSQL: the tables of `SqliteWriteJournal` in a schema (default `justworks`),
 * created by versioned migrations on first use under an advisory lock. The command line keeps it beside a
 * PostgreSQL token store.
 */
import { Effect, Layer } from "effect"
import { describeDatabase, pgClient } from "../postgres/pgClient.js"
import { migrationLock } from "../sql/migrations.js"
import { quote } from "../sql/quote.js"
import { make } from "./SqliteWriteJournal.js"
import { WriteError } from "./WriteError.js"
import { WriteJournal } from "./WriteJournal.js"

export const DEFAULT_SCHEMA = "justworks"

/** The write journal in schema `schema` of the PostgreSQL database at `url`. */
export const layer = (url: string, options: { readonly schema?: string | undefined } = {}): Layer.Layer<WriteJournal, WriteError> => {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const location = `schema ${schema} of the database ${describeDatabase(url)}`
  const tables = {
    table: (name: string) => `${quote(schema)}.${quote(name)}`,
    postgres: { lock: migrationLock(schema), before: [`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`] }
  }
  return Layer.effect(WriteJournal, Effect.suspend(() => make(location, tables))).pipe(
    Layer.provide(pgClient(url, (doing, detail, cause) =>
      new WriteError({ reason: "Journal", message: `could not ${doing} the write journal in ${location}: ${detail}`, cause })))
  )
}
