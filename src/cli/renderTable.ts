/** A plain-text table for the terminal: a header row, a rule, left- or right-aligned columns. */

export type Align = "left" | "right"

export interface TableOptions {
  readonly align?: ReadonlyArray<Align>
  /** e.g. a colour for a cell, applied after padding (so escapes do not count toward widths) */
  readonly style?: (cell: string, row: number, column: number) => string
}

export const renderTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  options: TableOptions = {}
): string => {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)))
  const line = (cells: ReadonlyArray<string>, row: number) =>
    cells
      .map((cell, c) => {
        const width = widths[c] ?? 0
        const last = c === cells.length - 1
        const padded = options.align?.[c] === "right" ? cell.padStart(width) : last ? cell : cell.padEnd(width)
        return row < 0 || options.style === undefined ? padded : options.style(padded, row, c)
      })
      .join("  ")
      .trimEnd()
  return [line(headers, -1), line(widths.map((w) => "-".repeat(w)), -1), ...rows.map((r, i) => line(r, i))].join("\n")
}

/** 12,345 */
export const formatCount = (n: number): string => {
  // as `toLocaleString("en-US")` would, without loading the locale data (~0.1 s at its first call)
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US")
  const digits = String(Math.abs(n))
  let out = ""
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ","
    out += digits[i]
  }
  return n < 0 ? `-${out}` : out
}

/** seconds with one decimal */
export const formatSeconds = (millis: number): string => (millis / 1000).toFixed(1)
