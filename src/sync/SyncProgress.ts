/** What a sync reports as it goes, for a terminal (or anything else) to show. */
import { Context, type Effect } from "effect"
import type { ProblemCount } from "../driver/Sink.js"
import type { ReadFailure } from "../runtime/StreamReader.js"

export type SyncEvent =
  | {
    readonly _tag: "Started"
    readonly stream: string
    /** where the read starts, in words (`incremental, from …`, `resuming …`), when not from the start */
    readonly resumeFrom: string | undefined
  }
  /** records written so far (sent after each batch) */
  | { readonly _tag: "Progress"; readonly stream: string; readonly records: number }
  | {
    readonly _tag: "Completed"
    readonly stream: string
    readonly records: number
    readonly requests: number
    readonly problems: ReadonlyArray<ProblemCount>
    /** rows marked deleted: a whole read of the stream no longer had them */
    readonly deleted: number
  }
  | {
    readonly _tag: "Failed"
    readonly stream: string
    readonly records: number
    readonly requests: number
    readonly problems: ReadonlyArray<ProblemCount>
    readonly error: ReadFailure
  }

export class SyncProgress extends Context.Tag("justworks-connector/SyncProgress")<SyncProgress, {
  readonly report: (event: SyncEvent) => Effect.Effect<void>
}>() {}
