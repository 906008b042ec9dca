/**
 * The idempotency key of a row that brings none: derived from the action and the row's content alone, so
 * the same row sent again (a re-run after a crash, a retried request) carries the same key and the API
 * applies it once. Field order and whitespace do not matter; any change of a value gives another key.
 */
import { createHash } from "node:crypto"

/** JSON with object keys sorted at every level. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

/** `jwc-` and 32 hex digits of SHA-256 over the action and the row without its key field. */
export const deriveIdempotencyKey = (action: string, row: Readonly<Record<string, unknown>>, keyField: string): string => {
  const { [keyField]: _key, ...content } = row
  return `jwc-${createHash("sha256").update(`${action}\n${canonicalJson(content)}`).digest("hex").slice(0, 32)}`
}

/** A digest of a whole input (the rows as sent), naming it in the write journal. */
export const inputDigest = (action: string, items: ReadonlyArray<unknown>): string => {
  const hash = createHash("sha256").update(action)
  for (const item of items) hash.update("\n").update(canonicalJson(item))
  return hash.digest("hex").slice(0, 32)
}
