/**
 * What `sync` runs with beside its connection: the SQLite sync store, the progress display, and a config's
 * refreshed tokens written back to it (said above the live progress).
 */
import { Effect, Layer } from "effect"
import { ConfigHandBack } from "./ConfigHandBack.js"
import * as SqliteSyncStore from "../sync/SqliteSyncStore.js"
import { SyncDisplay } from "./SyncDisplay.js"

export const syncStore = (path: string) => SqliteSyncStore.layer(path)

export const syncDisplay = (tty: boolean) => Layer.provideMerge(SyncDisplay.progress, SyncDisplay.layer(tty))

export const configHandBack = (keep: boolean) =>
  Layer.unwrapEffect(Effect.map(SyncDisplay, (display) => ConfigHandBack.file({ keep, say: display.note })))
