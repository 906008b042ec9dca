/** Date helpers on UTC day numbers (days since 1970-01-01) and epoch seconds; no time zones involved. */
import { memo } from "./memo.js"

export const DAY_SECONDS = 86_400
export const DAY_MS = 86_400_000

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** Day number of an epoch-milliseconds instant. */
export const dayOfMs = (ms: number): number => Math.floor(ms / DAY_MS)

const formatDate = (day: number): string => {
  const d = new Date(day * DAY_MS)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}
const cachedDate = memo(formatDate)

/** `YYYY-MM-DD` of a day number. */
export const isoDate = (day: number): string => cachedDate(day)

const TWO_DIGITS: ReadonlyArray<string> = Array.from({ length: 60 }, (_, i) => pad(i))

/** `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds. */
export const isoDateTime = (seconds: number): string => {
  const day = Math.floor(seconds / DAY_SECONDS)
  if (Number.isInteger(seconds) && Math.abs(seconds) <= 8.64e12) {
    const s = seconds - day * DAY_SECONDS
    return `${isoDate(day)}T${TWO_DIGITS[Math.floor(s / 3600)] as string}:${TWO_DIGITS[Math.floor(s / 60) % 60] as string}:${TWO_DIGITS[s % 60] as string}Z`
  }
  const d = new Date(seconds * 1000)
  return `${isoDate(day)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`
}

/** Day number of a calendar date (month 1-12; day may overflow like Date.UTC). */
export const dayOf = (year: number, month: number, day: number): number => Math.floor(Date.UTC(year, month - 1, day) / DAY_MS)

/** Year, month (1-12) and day of month of a day number. */
export const civil = (day: number): { year: number; month: number; date: number } => {
  const d = new Date(day * DAY_MS)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate() }
}

/** Last day of a month as a day number. */
export const endOfMonth = (year: number, month: number): number => dayOf(year, month + 1, 0)

/** Strict `YYYY-MM-DD` (a real calendar date) to a day number, or undefined. */
export const parseIsoDate = (text: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return undefined
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const day = dayOf(year, month, date)
  const back = civil(day)
  return back.year === year && back.month === month && back.date === date ? day : undefined
}

/** RFC 3339 date-time (with a time zone) to epoch milliseconds, or undefined. */
export const parseIsoDateTime = (text: string): number | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(text)
  if (!m || parseIsoDate(m[1] as string) === undefined) return undefined
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 60) return undefined
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/** RFC 9110 IMF-fixdate of epoch milliseconds, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString()
