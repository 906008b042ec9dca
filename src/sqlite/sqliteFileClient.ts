/**
 * A SQLite client (WAL mode) for one file, shared by the token store, the sync database and the write
 * journal: missing parent directories are created, and each failure is handed to `onError` with what was
 * being done, so every store reports it in its own error type.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import type { SqlClient } from "@effect/sql"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Effect, Layer } from "effect"

export const sqliteFileClient = <E>(
  path: string,
  onError: (doing: "create the directory of" | "open", cause: unknown) => E,
  options: { readonly directoryMode?: number } = {}
): Layer.Layer<SqliteClient.SqliteClient | SqlClient.SqlClient, E> =>
  Layer.scopedContext(Effect.gen(function*() {
    yield* Effect.try({
      try: () => mkdirSync(dirname(path), { recursive: true, ...(options.directoryMode === undefined ? {} : { mode: options.directoryMode }) }),
      catch: (cause) => onError("create the directory of", cause)
    })
    return yield* Layer.build(SqliteClient.layer({ filename: path })).pipe(
      Effect.mapError((cause) => onError("open", cause)),
      Effect.catchAllDefect((defect) => Effect.fail(onError("open", defect)))
    )
  }))
