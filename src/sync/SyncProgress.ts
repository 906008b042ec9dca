/** What a sync reports as it goes, for a terminal (or anything else) to show. */
import { Context, type Effect } from "effect"
import type { ProblemCount } from "../driver/Sink.js"
import type { ReadFailure } from "../runtime/StreamReader.js"
import type { Column, Mismatch } from "./columns.js"

export type SyncEvent =
  | {
    readonly _tag: "Started"
    readonly stream: string
    /** where the read starts, in words (`incremental, from …`, `resuming …`), when not from the start */
    readonly resumeFrom: string | undefined
  }
  /**
   * the stream's table changed or could not hold some values: columns added for new fields, values of a
   * changed type kept in `_raw`
   */
  | {
    readonly _tag: "Layout"
    readonly stream: string
    readonly added: ReadonlyArray<Column>
    readonly mismatched: ReadonlyArray<Mismatch>
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
