/**
 * The token store on PostgreSQL, for processes (and machines) sharing their connections: the same records,
 * encrypted at rest as in the SQLite store, in one schema (default `justworks`):
 * - `_token_meta (key, value)`: `format`, `salt` and `key_check`, as in the SQLite store: opening the store
 *   with another key fails with reason `WrongKey` before anything else is read;
 * - `_token_connections (connection_id, payload, updated_at)`: `payload` is the encrypted record; only the
 *   connection id and the time of the last write are in clear;
 * - `_token_migrations`: the versions of this layout applied (on first use, under an advisory lock).
 *
 * Every write takes a transaction-scoped advisory lock on its connection id, so `modify` (a refresh) is
 * single-flight across every process using the database: the first refreshes while the others wait for the
 * lock (up to {@link LOCK_WAIT}), then read its tokens.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Clock, Duration, Effect, Layer, Option } from "effect"
import type { Redacted } from "effect"
import { describeDatabase, pgClient } from "../../postgres/pgClient.js"
import { migrate, migrationLock } from "../../sql/migrations.js"
import { quote } from "../../sql/quote.js"
import { keyCheckPlaintext, openRecord, sealRecord } from "./sealedRecord.js"
import type { StoredConnection } from "./StoredConnection.js"
import { newSalt, TokenCipher } from "./TokenCipher.js"
import { TokenStore } from "./TokenStore.js"
import { TokenStoreError } from "./TokenStoreError.js"

export const DEFAULT_SCHEMA = "justworks"

/** How long a write waits for another process's lock on the same connection (a refresh under retries). */
export const LOCK_WAIT = Duration.minutes(5)

const FORMAT = "2"

const causeText = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  return cause instanceof Error ? cause.message : String(cause)
}

const unavailable = (location: string, doing: string) => (cause: unknown) =>
  new TokenStoreError({ reason: "Unavailable", message: `could not ${doing} ${location}: ${causeText(cause)}`, cause })

/** A token store in schema `schema` of the `SqlClient`'s PostgreSQL database, encrypting with the `TokenCipher`. */
export const make = (
  schema: string,
  location: string
): Effect.Effect<TokenStore["Type"], TokenStoreError, SqlClient.SqlClient | TokenCipher> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const configured = yield* TokenCipher
    const table = (name: string) => `${quote(schema)}.${quote(name)}`
    const meta = table("_token_meta")
    const connections = table("_token_connections")
    const lockKey = (what: string) => `justworks-connector:tokens:${schema}:${what}`

    /** `body` in a transaction holding the advisory lock of `what` (a connection id, or the store's setup). */
    const locked = <A, E>(what: string, doing: string, body: Effect.Effect<A, E>): Effect.Effect<A, Exclude<E, SqlError> | TokenStoreError> =>
      Effect.gen(function*() {
        yield* sql.unsafe(`SET LOCAL lock_timeout = '${Duration.toMillis(LOCK_WAIT)}ms'`)
        yield* sql.unsafe("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(what)])
        return yield* body
      }).pipe(
        sql.withTransaction,
        Effect.mapError((e) => (e instanceof SqlError ? unavailable(location, doing)(e) : e as Exclude<E, SqlError>))
      )

    yield* migrate(sql, {
      table: table("_token_migrations"),
      postgres: { lock: migrationLock(schema), before: [`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`] }
    }, [{
      version: 1,
      statements: [
        `CREATE TABLE IF NOT EXISTS ${meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS ${connections} (connection_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`
      ]
    }]).pipe(Effect.mapError(unavailable(location, "open")))

    const values = yield* locked("meta", "open", Effect.gen(function*() {
      const read = sql.unsafe<{ readonly key: string; readonly value: string }>(`SELECT key, value FROM ${meta}`)
      if ((yield* read).length === 0) {
        const salt = newSalt()
        yield* sql.unsafe(
          `INSERT INTO ${meta} (key, value) VALUES ('format', $1), ('salt', $2), ('key_check', $3) ON CONFLICT (key) DO NOTHING`,
          [FORMAT, salt, configured.withSalt(salt).encrypt(keyCheckPlaintext)]
        )
      }
      return new Map((yield* read).map((r) => [r.key, r.value]))
    }))
    const salt = values.get("salt")
    if (values.get("format") !== FORMAT || salt === undefined) {
      return yield* new TokenStoreError({
        reason: "Unavailable",
        message: `${location} has format ${values.get("format") ?? "(none)"}, this version reads format ${FORMAT}: upgrade justworks-connector`
      })
    }
    const cipher = configured.withSalt(salt)
    const check = yield* cipher.decrypt(values.get("key_check") ?? "").pipe(
      Effect.mapError(() =>
        new TokenStoreError({
          reason: "WrongKey",
          message: `${location} was written with a different encryption key: set JUSTWORKS_TOKEN_KEY to the key it was created with`
        })
      )
    )
    if (check !== keyCheckPlaintext) {
      return yield* new TokenStoreError({ reason: "Corrupt", message: `${location} has a damaged key check value` })
    }

    const get = (connectionId: string): Effect.Effect<Option.Option<StoredConnection>, TokenStoreError> =>
      Effect.gen(function*() {
        const rows = yield* sql.unsafe<{ readonly payload: string }>(`SELECT payload FROM ${connections} WHERE connection_id = $1`, [connectionId]).pipe(
          Effect.mapError(unavailable(location, `read connection "${connectionId}" from`))
        )
        const row = rows[0]
        return row === undefined ? Option.none() : Option.some(yield* openRecord(cipher, location, connectionId, row.payload))
      })

    const write = (connection: StoredConnection): Effect.Effect<void, TokenStoreError> =>
      Effect.gen(function*() {
        const payload = yield* sealRecord(cipher, connection)
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* sql.unsafe(
          `INSERT INTO ${connections} (connection_id, payload, updated_at) VALUES ($1, $2, $3::timestamptz)
          ON CONFLICT (connection_id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at`,
          [connection.connectionId, payload, now]
        ).pipe(Effect.mapError(unavailable(location, `write connection "${connection.connectionId}" to`)))
      })

    const put = (connection: StoredConnection) =>
      locked(connection.connectionId, `write connection "${connection.connectionId}" to`, write(connection))

    const modify = <E>(
      connectionId: string,
      update: (current: Option.Option<StoredConnection>) => Effect.Effect<StoredConnection | undefined, E>
    ): Effect.Effect<Option.Option<StoredConnection>, E | TokenStoreError> =>
      locked(connectionId, `update connection "${connectionId}" in`, Effect.gen(function*() {
        const current = yield* get(connectionId)
        const next = yield* update(current)
        if (next === undefined) return current
        yield* write(next)
        return Option.some(next)
      }))

    const remove = (connectionId: string) =>
      locked(
        connectionId,
        `remove connection "${connectionId}" from`,
        sql.unsafe(`DELETE FROM ${connections} WHERE connection_id = $1`, [connectionId]).pipe(
          Effect.asVoid,
          Effect.mapError(unavailable(location, `remove connection "${connectionId}" from`))
        )
      )

    const list = () =>
      sql.unsafe<{ readonly connection_id: string }>(`SELECT connection_id FROM ${connections} ORDER BY connection_id`).pipe(
        Effect.map((rows) => rows.map((r) => r.connection_id)),
        Effect.mapError(unavailable(location, "list the connections of"))
      )

    return TokenStore.of({ get, put, modify, remove, list })
  })

/** The token store in schema `schema` (default `justworks`) of the PostgreSQL database at `url`, encrypted with `key`. */
export const layerUrl = (
  url: string,
  key: Redacted.Redacted<string>,
  options: { readonly schema?: string | undefined } = {}
): Layer.Layer<TokenStore, TokenStoreError> => {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const location = `the token store in schema ${schema} of the database ${describeDatabase(url)}`
  return Layer.effect(TokenStore, make(schema, location)).pipe(
    Layer.provide(TokenCipher.layer(key)),
    Layer.provide(pgClient(url, (doing, detail, cause) =>
      new TokenStoreError({ reason: "Unavailable", message: `could not ${doing} ${location}: ${detail}`, cause })))
  )
}
