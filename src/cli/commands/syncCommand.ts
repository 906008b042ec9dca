import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { allowInsecureHttpOption, configOption, keepConfigFileOption, validationOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

export const syncFlags = {
  config: Options.optional(configOption),
  mock: Options.boolean("mock").pipe(
    Options.withDescription("sync from the stateful mock API, started in-process with a demo company (no credentials needed)")
  ),
  mockMembers: Options.integer("mock-members").pipe(
    Options.withPseudoName("N"),
    Options.withDescription("members of the --mock demo company"),
    Options.withDefault(40)
  ),
  keepConfigFile: keepConfigFileOption,
  database: Options.text("database").pipe(
    Options.withPseudoName("FILE|URL"),
    Options.withDescription(
      "the database to sync into: a SQLite file (default: justworks.db, or justworks-mock.db with --mock) or a PostgreSQL URL postgres://user@host:5432/db (password in the URL or $PGPASSWORD)"
    ),
    Options.optional
  ),
  databaseSchema: Options.text("database-schema").pipe(
    Options.withPseudoName("NAME"),
    Options.withDescription("the PostgreSQL schema of the synced tables (default: justworks)"),
    Options.optional
  ),
  streams: Options.text("streams").pipe(
    Options.withPseudoName("NAME,NAME…"),
    Options.withDescription("sync only these streams (default: every stream the connection's scopes allow)"),
    Options.optional
  ),
  startDate: Options.text("start-date").pipe(
    Options.withPseudoName("YYYY-MM-DD"),
    Options.withDescription("first day of date-ranged streams read from the start (default: the config's start_date, else two years ago)"),
    Options.optional
  ),
  fullRefresh: Options.boolean("full-refresh").pipe(
    Options.withDescription("forget the saved state of the streams synced and read them in full")
  ),
  validation: validationOption,
  allowInsecureHttp: allowInsecureHttpOption
}

/** The database `sync` writes unless told otherwise. */
export const syncDatabase = (mock: boolean): string => (mock ? "justworks-mock.db" : "justworks.db")

export const syncCommand = Command.make(
  "sync",
  syncFlags,
  (args) =>
    lazy(() => import("../handlers/syncHandler.js"), (m) =>
      m.syncHandler({
        streams: Option.getOrUndefined(args.streams),
        startDate: Option.getOrUndefined(args.startDate),
        fullRefresh: args.fullRefresh
      }))
).pipe(
  Command.withDescription(
    "The main job: sync every stream the connection's scopes allow into a local SQLite database or PostgreSQL (one table per stream, a typed column per field; incremental after the first run). Ctrl-C stops cleanly; the next run resumes."
  )
)
