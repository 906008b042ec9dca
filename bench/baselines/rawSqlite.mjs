/**
 * The limit of `sync` that does the same work: raw undici (keep-alive `Agent`), each page `JSON.parse`d and
 * upserted into the table shape of the sync database (`members`: the key column, `data` as JSON, `synced_at`,
 * `deleted_at`; the page's position in `_state`), one transaction per page, prepared statements, the same
 * SQLite settings (WAL, synchronous NORMAL). Plain Node, no project code:
 *
 *   node bench/baselines/rawSqlite.mjs BASE_URL ACCESS_TOKEN DATABASE
 */
import { createRequire } from "node:module"
import { Agent } from "undici"

const Database = createRequire(import.meta.url)("better-sqlite3")
const [origin, token, file] = process.argv.slice(2)
const db = new Database(file)
db.pragma("journal_mode = WAL")
db.pragma("synchronous = NORMAL")
db.exec("CREATE TABLE IF NOT EXISTS _state (stream TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)")
db.exec(`CREATE TABLE IF NOT EXISTS "members" ("id" NOT NULL, data TEXT NOT NULL, synced_at TEXT NOT NULL, deleted_at TEXT, PRIMARY KEY ("id"))`)
const upsert = db.prepare(
  `INSERT INTO "members" ("id", "data", "synced_at") VALUES (?, ?, ?) ON CONFLICT ("id") DO UPDATE SET data = excluded.data, synced_at = excluded.synced_at, deleted_at = NULL`
)
const saveState = db.prepare(
  "INSERT INTO _state (stream, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)
const writePage = db.transaction((records, state, now) => {
  for (const record of records) upsert.run(record.id, JSON.stringify(record), now)
  saveState.run("members", JSON.stringify(state), now)
})

const agent = new Agent()
const headers = { authorization: `Bearer ${token}`, accept: "application/json" }
let cursor = null
let cursorMax
do {
  const path = cursor === null ? "/v1/members?limit=100" : `/v1/members?limit=100&cursor=${encodeURIComponent(cursor)}`
  const { statusCode, body } = await agent.request({ origin, path, method: "GET", headers })
  const text = await body.text()
  if (statusCode !== 200) throw new Error(`GET ${path}: HTTP ${statusCode}`)
  const page = JSON.parse(text)
  for (const record of page.items) if (cursorMax === undefined || record.updated_at > cursorMax) cursorMax = record.updated_at
  cursor = page.next_cursor
  writePage(page.items, { cursor: cursorMax, resume: cursor === null ? undefined : { page: cursor } }, new Date().toISOString())
} while (cursor !== null)
await agent.close()
db.close()
