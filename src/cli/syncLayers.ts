/**
 * What `sync` runs with beside its connection: the sync store (a SQLite file or PostgreSQL), the progress display, and a config's
 * refreshed tokens written back to it (said above the live progress).
 */
import { Effect, Layer } from "effect"
import { ConfigHandBack } from "./ConfigHandBack.js"
import { ConnectionInfo } from "./ConnectionInfo.js"
import { isPostgresUrl } from "../postgres/pgClient.js"
import * as PgSyncStore from "../sync/PgSyncStore.js"
import * as SqliteSyncStore from "../sync/SqliteSyncStore.js"
import { SyncDisplay } from "./SyncDisplay.js"

/** A PostgreSQL URL syncs into that database (in `schema`, default `justworks`); anything else is a SQLite file. */
export const syncStoreAt = (database: string, schema?: string | undefined) =>
  isPostgresUrl(database) ? PgSyncStore.layer(database.trim(), { schema }) : SqliteSyncStore.layer(database)

/**
 * The sync store: the command line's `--database` (and `--database-schema`), else the config's `database`
 * (and `database_schema`), else `fallback`.
 */
export const syncStore = (flags: { readonly database: string | undefined; readonly schema: string | undefined }, fallback: string) =>
  Layer.unwrapEffect(Effect.map(ConnectionInfo, (info) =>
    syncStoreAt(flags.database ?? info.database ?? fallback, flags.schema ?? info.databaseSchema)))

export const syncDisplay = (tty: boolean) => Layer.provideMerge(SyncDisplay.progress, SyncDisplay.layer(tty))

export const configHandBack = (keep: boolean) =>
  Layer.unwrapEffect(Effect.map(SyncDisplay, (display) => ConfigHandBack.file({ keep, say: display.note })))
