/**
 * Where a run of streams goes: the Airbyte messages of `read`, the tables of `sync`, and later a warehouse, a
 * Singer target, a queue. The driver (`runStreams`) calls a sink in this order per stream: `begin`, then
 * `records` and `checkpoint` as the read goes, then `complete` or `fail`. Calls for different streams
 * interleave; calls for one stream never overlap. A sink that fails (`E`: a store that cannot be written)
 * stops the whole run; a stream that fails is the sink's to report, and the other streams go on.
 */
import type { Effect } from "effect"
import type { StreamModel } from "../model/Connector.js"
import type { ApiRecord, ReadFailure, StreamState } from "../runtime/StreamReader.js"

/** Records kept although they do not match their schema (validation `warn`): one entry per field and reason. */
export interface ProblemCount {
  /** where and what was expected, e.g. `frequency: Expected one of "one_time", "every_paycheck"` */
  readonly problem: string
  readonly records: number
}

/** What became of one stream in a run. */
export interface StreamSummary {
  readonly stream: string
  /** records passed to the sink */
  readonly records: number
  readonly ok: boolean
  /** requests the stream's reads made (a stream derived from another's responses makes none of its own) */
  readonly requests: number
  readonly problems: ReadonlyArray<ProblemCount>
  /**
   * the stream was read whole (not from a cursor, nor for some parents only): a record it no longer has is
   * gone upstream
   */
  readonly whole: boolean
  /** when the read began (ISO; a resumed read: when its first part began) */
  readonly startedAt: string | undefined
}

export interface Sink<E> {
  /** the stream's read starts; `state`: where it resumes from (undefined: from the start) */
  readonly begin: (stream: StreamModel, state: StreamState | undefined) => Effect.Effect<void, E>
  /** the next records of the stream, in order */
  readonly records: (stream: StreamModel, records: ReadonlyArray<ApiRecord>) => Effect.Effect<void, E>
  /** the stream's position after every record passed so far: keep it with them (a resumed read starts there) */
  readonly checkpoint: (stream: StreamModel, state: StreamState) => Effect.Effect<void, E>
  /** every record of the stream was passed */
  readonly complete: (stream: StreamModel, summary: StreamSummary) => Effect.Effect<void, E>
  /** the stream's read failed; what was passed and checkpointed before stands */
  readonly fail: (stream: StreamModel, error: ReadFailure, summary: StreamSummary) => Effect.Effect<void, E>
}
