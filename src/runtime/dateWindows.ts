/** Consecutive date windows covering a range: APIs that require a bounded start/end are read window by window. */
import { Duration } from "effect"

export interface DateWindow {
  /** YYYY-MM-DD, inclusive */
  readonly start: string
  /** YYYY-MM-DD, inclusive */
  readonly end: string
}

const DAY = 86_400_000
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Today's date in UTC, YYYY-MM-DD. */
export const todayUtc = (nowMillis: number): string => iso(nowMillis)

/** Windows of `step` (whole days, at least one) from `start` through `end`, both inclusive. */
export const dateWindows = (start: string, end: string, step: Duration.Duration): Array<DateWindow> => {
  const days = Math.max(1, Math.floor(Duration.toMillis(step) / DAY))
  const last = day(end)
  const windows: Array<DateWindow> = []
  for (let from = day(start); from <= last; from += days * DAY) {
    windows.push({ start: iso(from), end: iso(Math.min(from + (days - 1) * DAY, last)) })
  }
  return windows
}
