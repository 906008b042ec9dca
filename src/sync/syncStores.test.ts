/**
 * The two sync stores, SQLite and PostgreSQL (a real server, started here), through the same scenario: a
 * table made from a record schema with colliding field names, upserts by key, a new field becoming a column,
 * a value of a changed type kept in `_raw`, rows marked deleted after a whole read, the state saved with its
 * records, the layout kept across reopening; and a table of the earlier layout refused with a clear message.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startPostgres, type TestPostgres } from "../../test-support/embeddedPostgres.js"
import { columnName, columnTypeOf, fieldsOfSchema, fits } from "./columns.js"
import * as PgSyncStore from "./PgSyncStore.js"
import * as SqliteSyncStore from "./SqliteSyncStore.js"
import { SyncStore } from "./SyncStore.js"
import type { SyncStoreError } from "./SyncStoreError.js"
import { Database } from "../../test-support/sqliteFile.js"


let pg: TestPostgres
let dir: string
beforeAll(async () => {
  pg = await startPostgres()
  dir = mkdtempSync(join(tmpdir(), "justworks-sync-stores-"))
}, 120_000)
afterAll(async () => {
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const schema = {
  type: "object",
  properties: {
    id: { type: "string" },
    Id: { type: "string" },
    _synced_at: { type: "string" },
    amount: { type: ["integer", "null"] },
    rate: { type: "number" },
    paid_on: { type: "string", format: "date" },
    updated_at: { type: "string", format: "date-time" },
    active: { type: "boolean" },
    address: { type: ["object", "null"], properties: { city: { type: "string" } } },
    'say "hi"': { type: "string" }
  }
}

interface Store {
  readonly name: string
  readonly layer: () => Promise<Layer.Layer<SyncStore, SyncStoreError>>
  /** rows of the table, as plain values: [column → value] */
  readonly rows: (table: string, columns: ReadonlyArray<string>) => Promise<Array<Record<string, unknown>>>
}

const sqliteFile = () => join(dir, `store-${Math.random().toString(36).slice(2)}.db`)
let currentFile = ""
let currentDb = ""

const stores: ReadonlyArray<Store> = [
  {
    name: "SQLite",
    layer: async () => SqliteSyncStore.layer(currentFile),
    rows: async (table, columns) => {
      const db = new Database(currentFile)
      try {
        return db.prepare(`SELECT ${columns.map((c) => `"${c.replace(/"/g, "\"\"")}"`).join(", ")} FROM "${table}" ORDER BY 1`).all() as Array<Record<string, unknown>>
      } finally {
        db.close()
      }
    }
  },
  {
    name: "PostgreSQL",
    layer: async () => PgSyncStore.layer(pg.url(currentDb), { schema: "sync_test" }),
    rows: (table, columns) =>
      pg.query(currentDb, `SELECT ${columns.map((c) => `"${c.replace(/"/g, "\"\"")}"`).join(", ")} FROM sync_test."${table}" ORDER BY 1`)
  }
]

/** A value as both stores compare: dates and numerics as text, booleans as booleans, JSON parsed. */
const plain = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [
    k,
    v instanceof Date ? v.toISOString() : typeof v === "string" && /^[[{]/.test(v) ? JSON.parse(v) : typeof v === "bigint" ? Number(v) : v
  ]))

describe.each(stores)("the $name sync store", (store) => {
  it("typed, collision-safe columns; upserts; new fields; changed types in _raw; deletes marked; state with its records", async () => {
    currentFile = sqliteFile()
    currentDb = `stores_${store.name.toLowerCase()}`
    await pg.createDatabase(currentDb)
    const layer = await store.layer()
    const fields = fieldsOfSchema(schema)
    const run = <A>(body: Effect.Effect<A, SyncStoreError, SyncStore>) => Effect.runPromise(Effect.provide(body, layer))
    const reports = await run(Effect.gen(function*() {
      const s = yield* SyncStore
      const prepared = yield* s.prepare({ stream: "items", primaryKey: ["id"], fields })
      const first = yield* s.write({
        stream: "items",
        replace: false,
        state: { cursor: "2025-01-01T00:00:00Z" },
        records: [
          { id: "a", Id: "upper", _synced_at: "field", amount: 1250, rate: 1.5, paid_on: "2025-01-31", updated_at: "2025-01-01T10:00:00Z", active: true, address: { city: "NYC" }, 'say "hi"': "hello" },
          { id: "b", amount: null, rate: 2, paid_on: "2025-02-28", active: false },
          { id: "a", Id: "upper", _synced_at: "field", amount: 1300, rate: 1.5, paid_on: "2025-01-31", updated_at: "2025-01-01T10:00:00Z", active: true, address: { city: "NYC" }, 'say "hi"': "hello" }
        ]
      })
      const second = yield* s.write({
        stream: "items",
        replace: false,
        state: { cursor: "2025-02-01T00:00:00Z" },
        records: [
          { id: "b", amount: "twelve", rate: 2, paid_on: "2025-02-30", active: false, floor: 7 },
          { id: "c", amount: 5, floor: 3 }
        ]
      })
      return { prepared, first, second, state: yield* s.state("items"), count: yield* s.count("items") }
    }))
    expect(reports.prepared).toEqual({ added: [], mismatched: [] })
    expect(reports.first).toEqual({ added: [], mismatched: [] })
    expect(reports.second.added).toEqual([{ field: "floor", name: "floor", type: "integer", key: undefined }])
    expect(reports.second.mismatched).toEqual([
      { field: "amount", column: "amount", type: "integer", records: 1 },
      { field: "paid_on", column: "paid_on", type: "date", records: 1 }
    ])
    expect(reports.state).toEqual({ cursor: "2025-02-01T00:00:00Z" })
    expect(reports.count).toBe(3)

    const rows = (await store.rows("items", ["id", "Id_2", "_synced_at_2", "amount", "rate", "paid_on", "active", "address", "say \"hi\"", "floor", "_raw"])).map(plain)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatchObject({ id: "a", Id_2: "upper", _synced_at_2: "field", address: { city: "NYC" }, "say \"hi\"": "hello", floor: null, _raw: null })
    expect(Number(rows[0]!["amount"])).toBe(1300)
    expect(Number(rows[0]!["rate"])).toBe(1.5)
    expect([true, 1]).toContain(rows[0]!["active"])
    expect(rows[1]).toMatchObject({ id: "b", amount: null, paid_on: null, _raw: { amount: "twelve", paid_on: "2025-02-30" } })
    expect(Number(rows[1]!["floor"])).toBe(7)
    expect(rows[2]).toMatchObject({ id: "c", _raw: null })

    // a whole read that wrote only "c" again: a and b are marked deleted; reopened, the table keeps its columns
    const since = new Date(Date.now() + 5).toISOString()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const [deleted, report] = await Effect.runPromise(Effect.provide(Effect.gen(function*() {
      const s = yield* SyncStore
      const report = yield* s.prepare({ stream: "items", primaryKey: ["id"], fields: [...fields, { field: "note", type: "text" }] })
      yield* s.write({ stream: "items", replace: false, state: undefined, records: [{ id: "c", amount: 6, floor: 4, note: "n" }] })
      return [yield* s.markDeleted("items", since), report] as const
    }), await store.layer()))
    expect(deleted).toBe(2)
    expect(report.added.map((c) => c.name)).toEqual(["note"])
    const after = (await store.rows("items", ["id", "_deleted_at", "note"])).map(plain)
    expect(after.map((r) => [r["id"], r["_deleted_at"] === null, r["note"]])).toEqual([["a", false, null], ["b", false, null], ["c", true, "n"]])

    // another key is refused, saying which
    const rekeyed = await Effect.runPromiseExit(Effect.provide(
      Effect.flatMap(SyncStore, (s) => s.prepare({ stream: "items", primaryKey: ["Id"], fields })),
      await store.layer()
    ))
    expect(Exit.isFailure(rekeyed)).toBe(true)
    expect(JSON.stringify(rekeyed)).toContain("is keyed by (id), the stream by (Id)")
  }, 60_000)
})

describe("the SQLite sync store and a database of the earlier layout", () => {
  it("a table holding records as JSON in `data` is refused, saying what to do", async () => {
    const file = sqliteFile()
    const db = new Database(file)
    db.prepare(`CREATE TABLE members (id NOT NULL, data TEXT NOT NULL, synced_at TEXT NOT NULL, deleted_at TEXT, PRIMARY KEY (id))`).run()
    db.close()
    const exit = await Effect.runPromiseExit(Effect.provide(
      Effect.flatMap(SyncStore, (s) => s.prepare({ stream: "members", primaryKey: ["id"], fields: [] })),
      SqliteSyncStore.layer(file)
    ))
    expect(JSON.stringify(exit)).toContain("was written by an earlier version (records as JSON in a data column): drop it, or sync into another database")
  })
})

describe("columns", () => {
  it("types from the schema; values that fit; names unique whatever the case", () => {
    expect(fieldsOfSchema(schema).map((f) => f.type)).toEqual(["text", "text", "text", "integer", "number", "date", "timestamp", "boolean", "json", "text"])
    expect(columnTypeOf({ type: ["integer", "number"] })).toBe("number")
    expect(columnTypeOf({ anyOf: [{ type: "string" }] })).toBe("json")
    expect(fits("integer", 2 ** 53)).toBe(false)
    expect(fits("integer", 12)).toBe(true)
    expect(fits("date", "2024-02-29")).toBe(true)
    expect(fits("date", "2023-02-29")).toBe(false)
    expect(fits("timestamp", "2024-02-29T10:00:00.123+05:30")).toBe(true)
    expect(fits("timestamp", "yesterday")).toBe(false)
    const taken = new Set(["_synced_at"])
    expect(["a", "A", "a", "_SYNCED_AT", "x".repeat(80), "x".repeat(80), ""].map((f) => columnName(f, taken))).toEqual([
      "a", "A_2", "a_3", "_SYNCED_AT_2", "x".repeat(63), `${"x".repeat(61)}_2`, "_field"
    ])
  })
})
