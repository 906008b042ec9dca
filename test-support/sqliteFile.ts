/**
 * better-sqlite3, typed as far as the tests use it: open a sync database (read-only where asked) to look at
 * its rows.
 */
import { createRequire } from "node:module"

export interface Statement {
  readonly all: (...params: Array<unknown>) => Array<unknown>
  readonly get: (...params: Array<unknown>) => unknown
  readonly run: (...params: Array<unknown>) => unknown
}

export const Database = createRequire(import.meta.url)("better-sqlite3") as new(
  path: string,
  options?: { readonly readonly?: boolean }
) => {
  readonly prepare: (sql: string) => Statement
  readonly exec: (sql: string) => unknown
  readonly close: () => void
}
