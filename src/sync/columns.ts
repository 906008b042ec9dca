/**
 * The typed columns of a sync table, shared by every `SyncStore`. A stream's record schema (the catalog's
 * JSON Schema) gives one column per top-level field: strings as text (a `date` / `date-time` format as a date
 * or a timestamp), integers (amounts in cents among them) as 64-bit integers, other numbers as numerics,
 * booleans, and nested objects and arrays as JSON. A field a record has but its schema does not gets a
 * column on first sight, typed after its value.
 *
 * Column names are the field names, unless that would collide (case-insensitively, as SQLite compares them)
 * with a column the store adds (`_synced_at`, `_deleted_at`, `_raw`) or one taken before: then a numbered
 * suffix makes it unique. Names are at most 63 bytes (PostgreSQL's limit). The field → column map is kept
 * by the store, so a table keeps its names from run to run.
 *
 * A value that does not fit its column's type (a field whose type changed) is never lost: the column stays
 * NULL and the value goes into the row's `_raw` JSON object, under its field name, and is reported.
 */

export type ColumnType = "text" | "integer" | "number" | "boolean" | "date" | "timestamp" | "json"

/** A field of the records, as the schema (or a first value) types it. */
export interface FieldSpec {
  readonly field: string
  readonly type: ColumnType
}

export interface Column {
  readonly field: string
  /** the column's name in the table */
  readonly name: string
  readonly type: ColumnType
}

/** Columns every sync table has besides the records' fields. */
export const SYNCED_AT = "_synced_at"
export const DELETED_AT = "_deleted_at"
export const RAW = "_raw"
export const systemColumns: ReadonlyArray<string> = [SYNCED_AT, DELETED_AT, RAW]

type Json = Readonly<Record<string, unknown>>

const typesOf = (schema: Json): Array<string> => {
  const t = schema["type"]
  return (Array.isArray(t) ? t : typeof t === "string" ? [t] : []).filter((x): x is string => typeof x === "string" && x !== "null")
}

/** The column type of a field schema (JSON Schema draft-07, self-contained). */
export const columnTypeOf = (schema: unknown): ColumnType => {
  if (schema === null || typeof schema !== "object") return "json"
  const s = schema as Json
  const types = typesOf(s)
  if (types.length !== 1) return types.length === 2 && types.includes("integer") && types.includes("number") ? "number" : "json"
  switch (types[0]) {
    case "string":
      return s["format"] === "date" ? "date" : s["format"] === "date-time" ? "timestamp" : "text"
    case "integer":
      return "integer"
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    default:
      return "json"
  }
}

/** The fields of a record schema (an object with `properties`), in the schema's order. */
export const fieldsOfSchema = (schema: unknown): Array<FieldSpec> => {
  const properties = (schema as Json | undefined)?.["properties"]
  if (properties === null || typeof properties !== "object") return []
  return Object.entries(properties as Json).map(([field, s]) => ({ field, type: columnTypeOf(s) }))
}

/** The type a field seen first in a record gets, after its value; undefined for null (wait for a value). */
export const columnTypeOfValue = (value: unknown): ColumnType | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === "string") return "text"
  if (typeof value === "boolean") return "boolean"
  if (typeof value === "number") return Number.isSafeInteger(value) ? "integer" : "number"
  return "json"
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$/

/** The value of `count` decimal digits of `text` from `at`, or -1 if one is not a digit. */
const digits = (text: string, at: number, count: number): number => {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * `YYYY-MM-DD`, a day of the (proleptic Gregorian) calendar. Years before 100 are not taken: JavaScript's
 * dates read them as 19xx.
 */
const isCalendarDay = (text: string): boolean => {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false
  const y = digits(text, 0, 4)
  const m = digits(text, 5, 2)
  const d = digits(text, 8, 2)
  if (y < 100 || m < 1 || m > 12 || d < 1) return false
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  return d <= DAYS[m - 1]! + (leap ? 1 : 0)
}

/** Whether a (non-null) value can be stored in a column of the type. */
export const fits = (type: ColumnType, value: unknown): boolean => {
  switch (type) {
    case "text":
      return typeof value === "string"
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value)
    case "number":
      return typeof value === "number" && Number.isFinite(value)
    case "boolean":
      return typeof value === "boolean"
    case "date":
      return typeof value === "string" && isCalendarDay(value)
    case "timestamp":
      return typeof value === "string" && DATE_TIME.test(value) &&
        !Number.isNaN(Date.parse(value.charCodeAt(10) === 32 ? value.replace(" ", "T") : value))
    case "json":
      return true
  }
}

const MAX_NAME_BYTES = 63

const truncate = (name: string, room: number): string => {
  // by code point, so that a character outside the BMP is never cut in half
  const chars = Array.from(name)
  while (Buffer.byteLength(chars.join("")) > room) chars.pop()
  return chars.join("")
}

/**
 * A column name for `field` that none of `taken` has (compared case-insensitively); `taken` is updated.
 * An empty field name becomes `_field`.
 */
export const columnName = (field: string, taken: Set<string>): string => {
  const base = truncate(field === "" ? "_field" : field, MAX_NAME_BYTES)
  let name = base
  for (let n = 2; taken.has(name.toLowerCase()); n++) {
    const suffix = `_${n}`
    name = truncate(base, MAX_NAME_BYTES - suffix.length) + suffix
  }
  taken.add(name.toLowerCase())
  return name
}

export { quote } from "../sql/quote.js"

/**
 * The columns of `fields` not yet in `existing` (by field), named so that no name collides with the
 * existing ones nor the store's own.
 */
export const newColumns = (existing: ReadonlyArray<Column>, fields: ReadonlyArray<FieldSpec>): Array<Column> => {
  const known = new Set(existing.map((c) => c.field))
  const taken = new Set([...systemColumns, ...existing.map((c) => c.name)].map((n) => n.toLowerCase()))
  const added: Array<Column> = []
  for (const f of fields) {
    if (known.has(f.field)) continue
    known.add(f.field)
    added.push({ field: f.field, name: columnName(f.field, taken), type: f.type })
  }
  return added
}

/** A value that did not fit its column, by field: kept in `_raw`, counted for the report. */
export interface Mismatch {
  readonly field: string
  readonly column: string
  readonly type: ColumnType
  readonly records: number
}

/** What writing a batch changed in a table's layout or could not fit in it. */
export interface LayoutReport {
  /** columns added for fields the table did not have */
  readonly added: ReadonlyArray<Column>
  /** values that did not fit their column's type, kept in `_raw` */
  readonly mismatched: ReadonlyArray<Mismatch>
}

export const emptyReport: LayoutReport = { added: [], mismatched: [] }

/** A record's fields with a value the table has no column for yet (typed after their first value). */
export const unseenFields = (columns: ReadonlyArray<Column>, records: ReadonlyArray<Readonly<Record<string, unknown>>>): Array<FieldSpec> => {
  const known = new Set(columns.map((c) => c.field))
  const found = new Map<string, ColumnType>()
  for (const record of records) {
    // (no array of entries per record: this runs on every record of a sync)
    for (const field in record) {
      if (known.has(field) || found.has(field)) continue
      const type = columnTypeOfValue(record[field])
      if (type !== undefined) found.set(field, type)
    }
  }
  return [...found].map(([field, type]) => ({ field, type }))
}

/** The mismatches of a tally, with their columns. */
export const mismatches = (columns: ReadonlyArray<Column>, tally: ReadonlyMap<string, number>): Array<Mismatch> =>
  columns.filter((c) => tally.has(c.field)).map((c) => ({ field: c.field, column: c.name, type: c.type, records: tally.get(c.field)! }))
