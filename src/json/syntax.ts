/** What is wrong with a JSON text `JSON.parse` refused, and where, without quoting any of it. */
import { firstBadCharacter } from "./firstBadCharacter.js"

/** Line and column (1-based) of a position in a text. */
export const lineColumn = (text: string, position: number): string => {
  const before = text.slice(0, position)
  return `line ${before.split("\n").length}, column ${position - before.lastIndexOf("\n")}`
}

/**
 * What is wrong with a JSON text and where (line and column), never quoting it: V8's messages show a piece of
 * the text, which may hold a secret.
 */
const syntaxProblem = (text: string, message: string): string => {
  const at = / at position (\d+)/.exec(message)
  // V8 quotes the text in these: "Unexpected token 'c', "{"a": cs_SE"... is not valid JSON", ""NaN" is not valid JSON"
  const unexpected = /^Unexpected token/.test(message) || /^"[\s\S]*" is not valid JSON$/.test(message)
  const position = unexpected ? firstBadCharacter(text) : at !== null ? Number(at[1]) : /^Unexpected end/.test(message) ? text.length : undefined
  const what = unexpected
    ? "unexpected character"
    : message.replace(/( in JSON)? at position \d+[\s\S]*$/, "").replace(/,?\s*(\.\.\.)?"[\s\S]*"(\.\.\.)?/g, "").replace(/\s+/g, " ")
  if (position === undefined) return what
  return `${what} at ${lineColumn(text, position)}`
}

/** What is wrong with a JSON text `JSON.parse` refused (`error`), where, without quoting it. */
export const jsonSyntaxProblem = (text: string, error: unknown): string =>
  syntaxProblem(text, error instanceof Error ? error.message : String(error))

