/**
 * The limit of `sync` that does the same work: raw undici (keep-alive `Agent`), each page `JSON.parse`d and
 * upserted into the table shape of the sync database (`members`: a column per top-level field, nested values
 * as JSON text, booleans as 0/1; `_raw`, `_synced_at`, `_deleted_at`; the page's position in `_state`), one
 * transaction per page, prepared statements, the same SQLite settings (WAL, synchronous NORMAL). The columns
 * are taken from the first page's first record (the fixture's records all have the same fields). Plain Node,
 * no project code:
 *
 *   node bench/baselines/rawSqlite.mjs BASE_URL ACCESS_TOKEN DATABASE
 */
import { createRequire } from "node:module"
import { memberPages } from "./memberPages.mjs"

const Database = createRequire(import.meta.url)("better-sqlite3")
const [origin, token, file] = process.argv.slice(2)
const db = new Database(file)
db.pragma("journal_mode = WAL")
db.pragma("synchronous = NORMAL")
db.exec("CREATE TABLE IF NOT EXISTS _state (stream TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)")
const saveState = db.prepare(
  "INSERT INTO _state (stream, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)
const quote = (name) => `"${name.replaceAll('"', '""')}"`
const sqlType = (value) =>
  typeof value === "number" ? (Number.isInteger(value) ? "INTEGER" : "REAL") : typeof value === "boolean" ? "INTEGER" : "TEXT"
const cell = (value) =>
  value === undefined || value === null ? null
    : typeof value === "object" ? JSON.stringify(value)
    : typeof value === "boolean" ? (value ? 1 : 0)
    : value
let fields
let upsert
const prepare = (record) => {
  fields = Object.keys(record)
  const columns = fields.map((f) => `${quote(f)} ${sqlType(record[f])}${f === "id" ? " NOT NULL" : ""}`)
  db.exec(`CREATE TABLE IF NOT EXISTS "members" (${columns.join(", ")}, "_raw" TEXT, "_synced_at" TEXT NOT NULL, "_deleted_at" TEXT, PRIMARY KEY ("id"))`)
  const names = [...fields, "_synced_at"].map(quote)
  const updates = [...fields.filter((f) => f !== "id"), "_synced_at"].map((f) => `${quote(f)} = excluded.${quote(f)}`)
  upsert = db.prepare(
    `INSERT INTO "members" (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")}) ON CONFLICT ("id") DO UPDATE SET ${updates.join(", ")}, "_raw" = NULL, "_deleted_at" = NULL`
  )
}
const writePage = db.transaction((records, state, now) => {
  for (const record of records) {
    const values = fields.map((f) => cell(record[f]))
    values.push(now)
    upsert.run(values)
  }
  saveState.run("members", JSON.stringify(state), now)
})

let cursorMax
for await (const { items, next } of memberPages(origin, token)) {
  if (upsert === undefined && items.length > 0) prepare(items[0])
  for (const record of items) if (cursorMax === undefined || record.updated_at > cursorMax) cursorMax = record.updated_at
  if (upsert !== undefined) writePage(items, { cursor: cursorMax, resume: next === null ? undefined : { page: next } }, new Date().toISOString())
}
db.close()
