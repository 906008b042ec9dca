/**
 * The embedded default token store: one SQLite file, records encrypted at rest.
 *
 * Tables (created if missing):
 * - `meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`: `format` (`2`), `salt` (random, the store's own: a
 *   passphrase key is derived with it) and `key_check`, the constant {@link keyCheckPlaintext} encrypted with
 *   the store's key when the store was created. Opening the store decrypts it: with a different key this fails
 *   with reason `WrongKey` before anything else is read. A format-1 store (no `salt`: passphrases derived with
 *   the fixed salt) opens as it was written.
 * - `connections (connection_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL)`: `payload`
 *   is the whole record (`Schema.encode(StoredConnection)` as JSON) encrypted by the {@link TokenCipher};
 *   only the connection id and the ISO time of the last write are in clear.
 *
 * A `put` is one upsert statement, so access and refresh token are replaced together atomically (a crash
 * mid-write leaves the previous complete record).
 *
 * Every write is an immediate transaction (`BEGIN IMMEDIATE`): it holds SQLite's write lock from its start,
 * so several processes sharing the file take turns, and `modify` (a refresh) reads the record only once no
 * other process can change it before it writes. SQLite itself waits {@link BUSY_TIMEOUT_MS} for the lock,
 * blocking the process; a store kept locked longer (another process's refresh) is waited for asleep, between
 * attempts, up to {@link LOCK_WAIT}.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Clock, Data, Duration, Effect, Exit, Layer, Option, Schedule } from "effect"
import type { Redacted } from "effect"
import { sqliteFileClient } from "../../sqlite/sqliteFileClient.js"
import { keyCheckPlaintext, openRecord, sealRecord } from "./sealedRecord.js"
import type { StoredConnection } from "./StoredConnection.js"
import { newSalt, TokenCipher } from "./TokenCipher.js"
import { TokenStore } from "./TokenStore.js"
import { TokenStoreError } from "./TokenStoreError.js"

export { keyCheckPlaintext } from "./sealedRecord.js"

/** The format this version writes; format 1 stores (passphrase keys with the fixed salt) are read too. */
const FORMAT = "2"
const FORMATS = ["1", FORMAT]

/** How long SQLite waits for the write lock before answering SQLITE_BUSY; it blocks the process meanwhile. */
export const BUSY_TIMEOUT_MS = 50

/** How long a write waits for the lock in all: another process may hold it for a refresh under retries. */
export const LOCK_WAIT = Duration.minutes(5)

/** SQLite answered SQLITE_BUSY to `BEGIN IMMEDIATE`: another connection holds the write lock. */
class Busy extends Data.TaggedError("Busy")<{ readonly cause: SqlError }> {}

const isBusy = (error: SqlError): boolean => {
  const code = (error.cause as { readonly code?: unknown } | undefined)?.code
  return typeof code === "string" && code.startsWith("SQLITE_BUSY")
}

const causeText = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  if (cause instanceof Error) return cause.message
  return String(cause)
}

const unavailable = (location: string, doing: string) => (cause: unknown) =>
  new TokenStoreError({
    reason: "Unavailable",
    message: `could not ${doing} ${location}: ${causeText(cause)}`,
    cause
  })


/** A token store in the database of the `SqlClient` (SQLite), encrypting with the `TokenCipher`. */
export const make: Effect.Effect<TokenStore["Type"], TokenStoreError, SqlClient.SqlClient | TokenCipher> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    const configured = yield* TokenCipher

    const databases = yield* Effect.orElseSucceed(
      sql<{ readonly name: string; readonly file: string }>`PRAGMA database_list`,
      () => []
    )
    const file = databases.find((d) => d.name === "main")?.file ?? ""
    const location = file === "" ? "the in-memory token store" : `the token store at ${file}`

    /**
     * `body` in an immediate transaction, committed when it succeeds, rolled back otherwise; begun again after
     * a pause while another connection holds the lock, until `LOCK_WAIT` has passed.
     */
    const immediate = <A, E>(doing: string, body: Effect.Effect<A, E>): Effect.Effect<A, E | TokenStoreError> => {
      const failed = unavailable(location, doing)
      const once: Effect.Effect<A, E | Busy | TokenStoreError> = Effect.uninterruptibleMask((restore) =>
        Effect.scoped(Effect.gen(function* () {
          // the client's one connection, held for this transaction: the process's other statements wait for it
          const connection = yield* Effect.mapError(sql.reserve, failed)
          const run = (statement: string) => connection.executeUnprepared(statement, [], undefined)
          yield* run("BEGIN IMMEDIATE").pipe(Effect.mapError((error) => (isBusy(error) ? new Busy({ cause: error }) : failed(error))))
          const exit = yield* Effect.exit(restore(body).pipe(Effect.provideService(SqlClient.TransactionConnection, [connection, 0])))
          if (Exit.isFailure(exit)) {
            yield* Effect.ignore(run("ROLLBACK"))
            return yield* exit
          }
          yield* run("COMMIT").pipe(Effect.tapError(() => Effect.ignore(run("ROLLBACK"))), Effect.mapError(failed))
          return exit.value
        }))
      )
      return once.pipe(
        Effect.retry({
          while: (error) => error instanceof Busy,
          schedule: Schedule.spaced(Duration.millis(BUSY_TIMEOUT_MS)).pipe(Schedule.upTo(LOCK_WAIT))
        }),
        Effect.catchIf(
          (error): error is Busy => error instanceof Busy,
          (busy) =>
            Effect.fail(new TokenStoreError({
              reason: "Unavailable",
              message: `could not ${doing} ${location}: another process kept it locked for ${Duration.format(LOCK_WAIT)}`,
              cause: busy.cause
            }))
        )
      )
    }

    yield* sql.unsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).pipe(Effect.mapError(unavailable(location, "open")))
    const meta = yield* immediate("open", Effect.gen(function* () {
      yield* sql`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`
      yield* sql`CREATE TABLE IF NOT EXISTS connections (
        connection_id TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`
      const read = sql<{ readonly key: string; readonly value: string }>`SELECT key, value FROM meta`
      if ((yield* read).length === 0) {
        // a new store: its own salt, and the key check encrypted with the key it gives (a process creating the
        // store at the same moment inserts all three first, or none)
        const salt = newSalt()
        yield* sql`INSERT INTO meta (key, value)
          VALUES ('format', ${FORMAT}), ('salt', ${salt}), ('key_check', ${configured.withSalt(salt).encrypt(keyCheckPlaintext)})
          ON CONFLICT (key) DO NOTHING`
      }
      return new Map((yield* read).map((r) => [r.key, r.value]))
    }).pipe(Effect.mapError(unavailable(location, "open"))))

    const format = meta.get("format")
    const salt = meta.get("salt")
    if (format === undefined || !FORMATS.includes(format) || (format === FORMAT && salt === undefined)) {
      return yield* new TokenStoreError({
        reason: "Unavailable",
        message: `${location} has format ${format ?? "(none)"}${format === FORMAT ? " without its salt" : ""}, this version reads formats ${FORMATS.join(" and ")}: upgrade justworks-connector, or delete the file to start over`
      })
    }
    const cipher = format === FORMAT ? configured.withSalt(salt!) : configured
    const keyCheck = yield* cipher.decrypt(meta.get("key_check") ?? "").pipe(
      Effect.mapError(() =>
        new TokenStoreError({
          reason: "WrongKey",
          message: `${location} was written with a different encryption key: set JUSTWORKS_TOKEN_KEY to the key it was created with, or delete the file to start over`
        })
      )
    )
    if (keyCheck !== keyCheckPlaintext) {
      return yield* new TokenStoreError({
        reason: "Corrupt",
        message: `${location} has a damaged key check value: delete the file to start over`
      })
    }

    const failed = (doing: string) => (error: SqlError) => unavailable(location, doing)(error)

    const get = (connectionId: string): Effect.Effect<Option.Option<StoredConnection>, TokenStoreError> =>
      Effect.gen(function* () {
        const rows = yield* sql<{ readonly payload: string }>`
          SELECT payload FROM connections WHERE connection_id = ${connectionId}`.pipe(
          Effect.mapError(failed(`read connection "${connectionId}" from`))
        )
        const row = rows[0]
        if (row === undefined) return Option.none()
        return Option.some(yield* openRecord(cipher, location, connectionId, row.payload))
      })

    const write = (connection: StoredConnection): Effect.Effect<void, TokenStoreError> =>
      Effect.gen(function* () {
        const id = connection.connectionId
        const payload = yield* sealRecord(cipher, connection)
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* sql`INSERT INTO connections (connection_id, payload, updated_at) VALUES (${id}, ${payload}, ${now})
          ON CONFLICT (connection_id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at`.pipe(
          Effect.mapError(failed(`write connection "${id}" to`))
        )
      })

    const put = (connection: StoredConnection): Effect.Effect<void, TokenStoreError> =>
      immediate(`write connection "${connection.connectionId}" to`, write(connection))

    const modify = <E>(
      connectionId: string,
      update: (current: Option.Option<StoredConnection>) => Effect.Effect<StoredConnection | undefined, E>
    ): Effect.Effect<Option.Option<StoredConnection>, E | TokenStoreError> =>
      immediate(`update connection "${connectionId}" in`, Effect.gen(function* () {
        const current = yield* get(connectionId)
        const next = yield* update(current)
        if (next === undefined) return current
        yield* write(next)
        return Option.some(next)
      }))

    const remove = (connectionId: string): Effect.Effect<void, TokenStoreError> =>
      immediate(
        `remove connection "${connectionId}" from`,
        sql`DELETE FROM connections WHERE connection_id = ${connectionId}`.pipe(
          Effect.asVoid,
          Effect.mapError(failed(`remove connection "${connectionId}" from`))
        )
      )

    const list = (): Effect.Effect<ReadonlyArray<string>, TokenStoreError> =>
      sql<{ readonly connection_id: string }>`SELECT connection_id FROM connections ORDER BY connection_id`.pipe(
        Effect.map((rows) => rows.map((r) => r.connection_id)),
        Effect.mapError(failed("list the connections of"))
      )

    return TokenStore.of({ get, put, modify, remove, list })
  }
)

/** The token store in the `SqlClient`'s database; fails with reason `WrongKey` if the cipher's key is not the store's. */
export const layer: Layer.Layer<TokenStore, TokenStoreError, SqlClient.SqlClient | TokenCipher> = Layer.effect(
  TokenStore,
  make
)

/**
 * A SQLite client (WAL mode) for the file at `path`, creating it (mode 0600) and missing parent directories
 * (mode 0700) unless `create` is false: then a missing file is an error, and nothing is created. Failures to
 * open the file are errors with reason `Unavailable`.
 */
export const layerSqliteFile = (
  path: string,
  options: { readonly create?: boolean } = {}
): Layer.Layer<SqliteClient.SqliteClient | SqlClient.SqlClient, TokenStoreError> =>
  sqliteFileClient(path, (doing, cause) =>
    doing === "find"
      ? new TokenStoreError({
        reason: "Unavailable",
        message: `there is no token store at ${path}: connect first (justworks-connector connect --token-store ${path})`
      })
      : unavailable(`the token store at ${path}`, doing)(cause), { create: options.create ?? true })

/**
 * The token store in the SQLite file at `path`, encrypted with `key`; created if missing, unless `create` is
 * false (then a missing store is an error with reason `Unavailable`).
 */
export const layerFile = (
  path: string,
  key: Redacted.Redacted<string>,
  options: { readonly create?: boolean } = {}
): Layer.Layer<TokenStore, TokenStoreError> =>
  layer.pipe(Layer.provide(TokenCipher.layer(key)), Layer.provide(layerSqliteFile(path, options)))
