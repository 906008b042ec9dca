/**
 * Apply a record selector to a response body: `$` (the body is one record), `$[*]` (the body is an array of
 * records) or `$.a.b` (a field holding an array of records, or one record).
 */
export type SelectResult =
  | { readonly ok: true; readonly records: ReadonlyArray<Record<string, unknown>> }
  | { readonly ok: false; readonly detail: string }

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Compile a selector once; the result is applied to every page. */
export const recordSelector = (selector: string): (body: unknown) => SelectResult => {
  const path = selector === "$" || selector === "$[*]" ? [] : selector.slice(2).split(".")
  const arrayOnly = selector === "$[*]"
  return (body) => {
    let node: unknown = body
    for (const key of path) {
      if (!isRecord(node)) return { ok: false, detail: `the response has no object at ${selector} (stopped at "${key}")` }
      node = node[key]
    }
    if (node === undefined || node === null) {
      return path.length === 0 ? { ok: false, detail: "the response is empty" } : { ok: true, records: [] }
    }
    if (Array.isArray(node)) {
      const bad = node.findIndex((r) => !isRecord(r))
      return bad < 0 ? { ok: true, records: node } : { ok: false, detail: `${selector}[${bad}] is not an object` }
    }
    // an empty object where the body is the record holds no record (a replaced-whole stream keeps what it had)
    if (isRecord(node) && !arrayOnly) return { ok: true, records: path.length === 0 && Object.keys(node).length === 0 ? [] : [node] }
    return { ok: false, detail: `${selector} is ${arrayOnly ? "not an array" : "neither an object nor an array"}` }
  }
}

/** The keys of a dotted field, split once per field name (fields come from the manifest: a handful). */
const fieldKeys = new Map<string, ReadonlyArray<string>>()
const keysOf = (field: string): ReadonlyArray<string> => {
  let keys = fieldKeys.get(field)
  if (keys === undefined) {
    keys = field.replace(/^\$\.?/, "").split(".").filter((key) => key !== "")
    if (fieldKeys.size >= 1_000) fieldKeys.clear() // never a cache that grows without bound
    fieldKeys.set(field, keys)
  }
  return keys
}

/** Read a dotted field of a record (the `$.` prefix is optional). */
export const fieldValue = (record: unknown, field: string): unknown => {
  let node = record
  for (const key of keysOf(field)) {
    if (!isRecord(node)) return undefined
    node = node[key]
  }
  return node
}
