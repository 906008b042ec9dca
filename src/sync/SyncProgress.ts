/** What a sync reports as it goes, for a terminal (or anything else) to show. */
import { Context, type Effect } from "effect"
import type { ReadFailure } from "../runtime/StreamReader.js"

export type SyncEvent =
  | {
    readonly _tag: "Started"
    readonly stream: string
    /** read from this cursor on (an incremental stream with saved state) */
    readonly resumeFrom: string | undefined
  }
  /** records written so far (sent after each batch) */
  | { readonly _tag: "Progress"; readonly stream: string; readonly records: number }
  | { readonly _tag: "Completed"; readonly stream: string; readonly records: number }
  | { readonly _tag: "Failed"; readonly stream: string; readonly records: number; readonly error: ReadFailure }

export class SyncProgress extends Context.Tag("justworks-connector/SyncProgress")<SyncProgress, {
  readonly report: (event: SyncEvent) => Effect.Effect<void>
}>() {}
