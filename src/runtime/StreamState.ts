/**
 * What a stream remembers between runs, and where a read stopped inside a run:
 * - `cursor`: where the next read starts (the greatest cursor value of the last complete read, a date for
 *   date-windowed streams, the day of a report's last snapshot);
 * - `resume`: set while a read is under way: the page (and date window) to go on from, the greatest cursor
 *   value read so far, and when the read began. A read killed after a checkpoint resumes there, so at most one
 *   page is read twice;
 * - `seen`: for a child read once per parent record, the parent keys already read, by the date of the record
 *   at the root of their read (kept only as far back as the next read can reach).
 *
 * The same shape is the Airbyte `stream_state` and the row `sync` keeps in `_state`.
 */
import { Duration, Schema } from "effect"

export interface Resume {
  /** the date window being read (YYYY-MM-DD, its first day) */
  readonly window?: string | undefined
  /** the page cursor of the next page (none: the window, or the read, starts at its first page) */
  readonly page?: string | undefined
  /** the greatest cursor value read so far */
  readonly max?: string | undefined
  /** when the read began (ISO date-time) */
  readonly started_at?: string | undefined
}

export interface StreamState {
  readonly cursor?: string | undefined
  readonly resume?: Resume | undefined
  readonly seen?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
}

/** The state as it is read back (a state file, a database row): every part optional, nothing else. */
export const StreamStateSchema = Schema.Struct({
  cursor: Schema.optional(Schema.String),
  resume: Schema.optional(Schema.Struct({
    window: Schema.optional(Schema.String),
    page: Schema.optional(Schema.String),
    max: Schema.optional(Schema.String),
    started_at: Schema.optional(Schema.String)
  })),
  seen: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
})

const DAY = 86_400_000

/** YYYY-MM-DD of a time in UTC. */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** The day `days` before (negative: after) a YYYY-MM-DD day. */
export const daysBefore = (day: string, duration: Duration.Duration): string =>
  isoDay(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) - Math.floor(Duration.toMillis(duration) / DAY) * DAY)

/** The greater of two cursor values (ISO dates and date-times compare as text). */
export const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : b > a ? b : a

/** The lesser of two cursor values. */
export const earlier = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : b < a ? b : a

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Where a read shared by several streams starts (a parent read once for all its children): their common
 * state when they agree, else the earliest cursor without a position (each then gets records it already
 * has, and misses none); from the start when any of them has no cursor.
 */
export const commonStart = (states: ReadonlyArray<StreamState | undefined>): StreamState | undefined => {
  const positions = states.map((s) => (s === undefined ? undefined : { cursor: s.cursor, resume: s.resume }))
  if (positions.length === 0) return undefined
  if (positions.every((p) => same(p, positions[0]))) return positions[0]
  if (positions.some((p) => p?.cursor === undefined)) return undefined
  return { cursor: positions.map((p) => p!.cursor).reduce(earlier) }
}
