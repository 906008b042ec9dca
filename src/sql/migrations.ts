/**
 * Versioned migrations of a store's tables, run on first use: each store lists its migrations (version,
 * statements) and `migrate` applies those its database has not had yet, each in a transaction that also
 * records it in the store's migrations table. On PostgreSQL an advisory lock (held to the end of the
 * transaction) makes processes that open the same database at once apply them one after the other.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * The advisory lock every store's migrations in PostgreSQL schema `schema` take: stores sharing a schema
 * (sync tables, tokens, journal) create it one at a time.
 */
export const migrationLock = (schema: string): string => `justworks-connector:migrations:${schema}`

export interface Migration {
  readonly version: number
  readonly statements: ReadonlyArray<string>
}

export interface MigrationTarget {
  /** the migrations table, as the SQL names it (qualified on PostgreSQL) */
  readonly table: string
  /** PostgreSQL: the advisory lock's key (text, hashed) and the statements run under it first (a schema) */
  readonly postgres?: { readonly lock: string; readonly before: ReadonlyArray<string> } | undefined
}

/** Apply the migrations the database lacks; returns the versions applied. */
export const migrate = (
  sql: SqlClient.SqlClient,
  target: MigrationTarget,
  migrations: ReadonlyArray<Migration>
): Effect.Effect<Array<number>, SqlError> =>
  Effect.gen(function*() {
    const pg = target.postgres
    if (pg !== undefined) {
      yield* sql.unsafe("SELECT pg_advisory_xact_lock(hashtext($1))", [pg.lock])
      for (const statement of pg.before) yield* sql.unsafe(statement)
    }
    yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${target.table} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`)
    const rows = yield* sql.unsafe<{ readonly version: number | string }>(`SELECT version FROM ${target.table}`)
    const done = new Set(rows.map((r) => Number(r.version)))
    const applied: Array<number> = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      for (const statement of migration.statements) yield* sql.unsafe(statement)
      yield* sql.unsafe(
        `INSERT INTO ${target.table} (version, applied_at) VALUES (${pg === undefined ? "?, ?" : "$1, $2"})`,
        [migration.version, new Date().toISOString()]
      )
      applied.push(migration.version)
    }
    return applied
  }).pipe(sql.withTransaction)
