/**
 * A SQLite client (WAL mode) for one file, shared by the token store, the sync database and the write
 * journal. What it creates only its owner may read: a missing file is created 0600 before SQLite opens it
 * (SQLite gives its `-wal` and `-shm` files the database's mode), missing parent directories 0700. With
 * `create: false` a missing file is an error (`onError("find", …)`) and nothing is created. Each failure is
 * handed to `onError` with what was being done, so every store reports it in its own error type.
 */
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs"
import { dirname } from "node:path"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Effect, Layer } from "effect"

export type SqliteFileStep = "find" | "create the directory of" | "create" | "open"

export const sqliteFileClient = <E>(
  path: string,
  onError: (doing: SqliteFileStep, cause: unknown) => E,
  options: { readonly create?: boolean } = {}
): Layer.Layer<SqliteClient.SqliteClient | SqlClient.SqlClient, E> =>
  Layer.scopedContext(Effect.gen(function*() {
    if (!existsSync(path)) {
      if (options.create === false) return yield* Effect.fail(onError("find", undefined))
      yield* Effect.try({
        try: () => mkdirSync(dirname(path), { recursive: true, mode: 0o700 }),
        catch: (cause) => onError("create the directory of", cause)
      })
      // "a": never truncates a file that appeared meanwhile
      yield* Effect.try({
        try: () => closeSync(openSync(path, "a", 0o600)),
        catch: (cause) => onError("create", cause)
      })
    }
    // loaded when a store opens, not with the library
    const sqlite = yield* Effect.promise(() => import("@effect/sql-sqlite-node/SqliteClient"))
    return yield* Layer.build(sqlite.layer({ filename: path })).pipe(
      Effect.mapError((cause) => onError("open", cause)),
      Effect.catchAllDefect((defect) => Effect.fail(onError("open", defect)))
    )
  }))
