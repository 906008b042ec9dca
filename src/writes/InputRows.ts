/**
 * The rows of a batch write as given: JSON Lines (one row per line, blank lines skipped), or one JSON
 * document holding them: an array of rows, or the request body itself (`{"items": [...]}`). Each row keeps
 * where it came from, so every problem and result names its line (or its position in the array).
 */
import { jsonSyntaxProblem } from "../json/syntax.js"
import { isJsonObject } from "../spec/document.js"

export interface InputRow {
  /** 1-based position among the rows */
  readonly position: number
  /** 1-based line of a JSON Lines input */
  readonly line: number | undefined
  /** the parsed row; `undefined` when the line is not JSON (see `unparsable`) */
  readonly value: unknown
  /** what is wrong with a line that is not JSON, and where in it (never quoting it) */
  readonly unparsable?: string | undefined
}

/** "line 12" or "item 3". */
export const rowLabel = (row: Pick<InputRow, "position" | "line">): string =>
  row.line === undefined ? `item ${row.position}` : `line ${row.line}`

/** Rows from values given directly (library callers): positions only. */
export const rowsOfValues = (values: ReadonlyArray<unknown>): Array<InputRow> =>
  values.map((value, i) => ({ position: i + 1, line: undefined, value }))

/**
 * Rows of an input text. A single JSON document that is an array, or an object whose `itemsField` is an
 * array (the request body), gives its elements; anything else is read as JSON Lines.
 */
export const parseRows = (text: string, itemsField: string): Array<InputRow> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let whole: unknown = undefined
    try {
      whole = JSON.parse(trimmed)
    } catch {
      whole = undefined
    }
    if (Array.isArray(whole)) return rowsOfValues(whole)
    if (isJsonObject(whole) && Array.isArray(whole[itemsField]) && Object.keys(whole).length === 1) {
      return rowsOfValues(whole[itemsField] as ReadonlyArray<unknown>)
    }
  }
  const rows: Array<InputRow> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i]!.trim()
    if (source === "") continue
    const position = rows.length + 1
    try {
      rows.push({ position, line: i + 1, value: JSON.parse(source) })
    } catch (e) {
      // where, not what: the engine's message quotes the row
      rows.push({ position, line: i + 1, value: undefined, unparsable: jsonSyntaxProblem(source, e).replace(/ at line 1, column /, " at column ") })
    }
  }
  return rows
}
