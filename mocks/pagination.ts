/**
 * Cursor pagination as the spec describes it: `{items, next_cursor}`, `limit` 1..max, opaque cursors.
 * A cursor is base64url JSON `{o: operation, f: fingerprint, k: key}` where the key is the position of
 * the last record returned (keyset, so records changing between pages are neither skipped nor repeated)
 * and the fingerprint binds it to the operation, its filters and this server's seed: a cursor from another
 * list, other filters or another server is rejected (422 naming `cursor`).
 */
import { invalidField } from "./apiError.js"
import { hashString } from "./seededRandom.js"

export interface PageResult {
  readonly body: { readonly items: ReadonlyArray<unknown>; readonly next_cursor: string | null } & Record<string, unknown>
  /** What a `repeat_cursor` fault puts in `next_cursor`: the cursor that was sent, or one for the first page. */
  readonly repeatCursor: string
}

export interface Paginator {
  /**
   * One page: `source(after)` yields `[key, record]` pairs after the key, in order; `isKey` checks a decoded key.
   * `scope` lists what the cursor is bound to (path parameters and filters).
   */
  readonly page: <K>(args: {
    readonly operationId: string
    readonly scope: ReadonlyArray<unknown>
    readonly cursor: string | null
    readonly limit: number
    readonly isKey: (key: unknown) => key is K
    readonly source: (after: K | null) => Iterable<readonly [K, unknown]>
    readonly extra?: Record<string, unknown>
  }) => PageResult
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url")

export const isPosition = (key: unknown): key is number => typeof key === "number" && Number.isInteger(key) && key >= 0

export const makePaginator = (seed: number): Paginator => ({
  page: (args) => {
    const fingerprint = hashString(JSON.stringify([seed, args.operationId, args.scope])).toString(36)
    const cursorFor = (key: unknown) => encode({ o: args.operationId, f: fingerprint, k: key })
    let after: unknown = null
    if (args.cursor !== null) {
      let decoded: any
      try {
        if (!/^[A-Za-z0-9_-]+$/.test(args.cursor)) throw new Error("not base64url")
        decoded = JSON.parse(Buffer.from(args.cursor, "base64url").toString("utf8"))
      } catch {
        throw invalidField("cursor", "query", "is not a cursor this API issued")
      }
      if (typeof decoded !== "object" || decoded === null || decoded.o !== args.operationId) {
        throw invalidField("cursor", "query", "was issued for a different list")
      }
      if (decoded.f !== fingerprint) throw invalidField("cursor", "query", "was issued for different filters or parameters")
      if (decoded.k !== null && !args.isKey(decoded.k)) throw invalidField("cursor", "query", "is malformed")
      after = decoded.k
    }
    const items: Array<unknown> = []
    let lastKey: unknown = null
    let more = false
    for (const [key, record] of args.source(after as never)) {
      if (items.length === args.limit) {
        more = true
        break
      }
      items.push(record)
      lastKey = key
    }
    return {
      body: { ...args.extra, items, next_cursor: more ? cursorFor(lastKey) : null },
      repeatCursor: args.cursor ?? cursorFor(null)
    }
  }
})
