/**
 * A PostgreSQL client (`@effect/sql-pg`) for a `postgres://user:password@host:port/database` URL, shared by
 * the sync store, the token store and the write journal. The URL's password is registered as a secret (no
 * printed text shows it) and never appears in a message: `describeDatabase` is the URL without it. Each
 * failure is handed to `onError` with what was being done, so every store reports it in its own error type.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, Layer, Redacted } from "effect"
import { registerUrlSecrets } from "../redaction/redact.js"

/** Whether a `--database` / `database` value names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (value: string): boolean => /^postgres(ql)?:\/\//i.test(value.trim())

/** The URL as messages show it: the password replaced by `***`, query parameters dropped. */
export const describeDatabase = (url: string): string => {
  if (!URL.canParse(url)) return "postgres://…"
  const u = new URL(url)
  const user = u.username === "" ? "" : `${u.username}${u.password === "" ? "" : ":***"}@`
  return `${u.protocol}//${user}${u.host}${u.pathname}`
}

/** Why a URL cannot be used, or undefined. */
export const badPostgresUrl = (url: string): string | undefined => {
  if (!URL.canParse(url)) return "is not a URL such as postgres://user@host:5432/database"
  const u = new URL(url)
  if (!/^postgres(ql)?:$/.test(u.protocol)) return "must start with postgres:// or postgresql://"
  if (u.hostname === "") return "names no host: postgres://user@host:5432/database"
  if (u.pathname.length <= 1) return "names no database: postgres://user@host:5432/database"
  return undefined
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export type PgStep = "connect to" | "parse the URL of"

/** Text of a driver failure, without anything from the URL but its host. */
export const pgCauseText = (cause: unknown): string => {
  const seen = new Set<unknown>()
  let current: unknown = cause
  const texts: Array<string> = []
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current)
    const c = current as { readonly message?: unknown; readonly code?: unknown; readonly cause?: unknown }
    if (typeof c.message === "string" && c.message !== "" && !c.message.startsWith("PgClient:") && !/^Failed to /.test(c.message)) texts.push(c.message)
    current = c.cause
  }
  return texts[0] ?? (cause instanceof Error ? cause.message : String(cause))
}

export const pgClient = <E>(
  url: string,
  onError: (doing: PgStep, detail: string, cause: unknown) => E,
  options: { readonly maxConnections?: number | undefined } = {}
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, E> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    registerUrlSecrets(url)
    const bad = badPostgresUrl(url)
    if (bad !== undefined) return yield* Effect.fail(onError("parse the URL of", bad, undefined))
    // loaded when a store opens, not with the library
    const pg = yield* Effect.promise(() => import("@effect/sql-pg/PgClient"))
    // a server's message may echo what it was given (a database name): never the password
    const password = URL.canParse(url) ? new URL(url).password : ""
    const forms = [password, safeDecode(password)].filter((f) => f.length > 0)
    const scrub = (text: string) => forms.reduce((t, f) => t.split(f).join("***"), text)
    return pg.layer({
      url: Redacted.make(url),
      connectTimeout: Duration.seconds(10),
      maxConnections: options.maxConnections ?? 8,
      applicationName: "justworks-connector"
    }).pipe(
      Layer.mapError((cause) => onError("connect to", scrub(pgCauseText(cause)), cause))
    )
  }))
