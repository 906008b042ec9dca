/** What a command knows about the connection it runs against, beside the `Justworks` service itself. */
import { Context } from "effect"
import type { Selection } from "../scopes/ScopeAlgebra.js"

export class ConnectionInfo extends Context.Tag("justworks-connector/cli/ConnectionInfo")<ConnectionInfo, {
  readonly connectionId: string
  /** e.g. `the config's tokens`, `connection "default" of the token store ~/tokens.db` */
  readonly description: string
  /** the token store file, if the tokens live in one */
  readonly tokenStore: string | undefined
  /** first day of date-ranged streams (undefined: two years ago) */
  readonly startDate: string | undefined
  /** the sync database the config names (a SQLite path resolved against the config's directory, or a URL) */
  readonly database?: string | undefined
  /** the PostgreSQL schema the config names for the synced tables */
  readonly databaseSchema?: string | undefined
  /** the presets and actions the config or flags select (for connect) */
  readonly selection: Selection
}>() {}
