/** What `sync` runs with beside its connection: the SQLite sync store and the progress display. */
import { Layer } from "effect"
import * as SqliteSyncStore from "../sync/SqliteSyncStore.js"
import { SyncDisplay } from "./SyncDisplay.js"

export const syncStore = (path: string) => SqliteSyncStore.layer(path)

export const syncDisplay = (tty: boolean) => Layer.provideMerge(SyncDisplay.progress, SyncDisplay.layer(tty))
