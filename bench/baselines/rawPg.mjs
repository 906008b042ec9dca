/**
 * The limit of `sync --database postgres://…` that does the same work: raw undici (`memberPages.mjs`), each page
 * `JSON.parse`d and upserted with `pg` into the table the connector's PostgreSQL store makes for `members`,
 * written out below by hand as a hand-written loop would: a typed column per field of the members schema (text,
 * bigint, boolean, date, timestamptz; nested objects and arrays as jsonb; the key `id` as text NOT NULL), `_raw`
 * (jsonb), `_synced_at`, `_deleted_at`, primary key `id`; and `_state (stream, state, updated_at)`. The bench
 * compares this layout with the connector's table after their first runs and fails the row when they differ.
 *
 * Multi-row, as the connector writes: per page, one transaction holding one `INSERT … VALUES (…), (…) ON
 * CONFLICT ("id") DO UPDATE` of the page's records (a named prepared statement: parsed and planned once, then
 * only bound and run for every page of the same length; the connector sends the same statement unnamed) and
 * the page's position upserted into `_state`. After the read, the rows it did not write are marked deleted, as
 * the connector does after a whole read. The connector's own bookkeeping when it opens the database
 * (`_columns`, `_sync_migrations`) has no counterpart here. Plain Node, no project code:
 *
 *   node bench/baselines/rawPg.mjs BASE_URL ACCESS_TOKEN DATABASE_URL SCHEMA
 */
import pg from "pg"
import { memberPages } from "./memberPages.mjs"

const [origin, token, url, schema] = process.argv.slice(2)
if (schema === undefined) throw new Error("usage: node bench/baselines/rawPg.mjs BASE_URL ACCESS_TOKEN DATABASE_URL SCHEMA")

/** the members table's columns after `id`, in order, with their PostgreSQL types */
const COLUMNS = [
  ["company_id", "text"],
  ["work_id", "text"],
  ["name", "jsonb"],
  ["active", "boolean"],
  ["type", "text"],
  ["emails", "jsonb"],
  ["phones", "jsonb"],
  ["addresses", "jsonb"],
  ["department", "jsonb"],
  ["office", "jsonb"],
  ["manager", "jsonb"],
  ["job_title", "text"],
  ["partner_settings", "jsonb"],
  ["employment_location_type", "text"],
  ["current_employment", "jsonb"],
  ["employment_history", "jsonb"],
  ["employment_start_date", "date"],
  ["employment_termination_date", "date"],
  ["date_added_to_justworks", "date"],
  ["current_pay", "jsonb"],
  ["pay_history", "jsonb"],
  ["current_pay_frequency", "text"],
  ["date_of_birth", "date"],
  ["sex_assigned_at_birth", "text"],
  ["created_at", "timestamptz"],
  ["updated_at", "timestamptz"]
]

const quote = (name) => `"${name.replaceAll('"', '""')}"`
const members = `${quote(schema)}."members"`
const state = `${quote(schema)}."_state"`
const fields = COLUMNS.map(([field]) => field)
const json = new Set(COLUMNS.filter(([, type]) => type === "jsonb").map(([field]) => field))
/** the bound columns of a row: `id`, the fields, `_raw`, `_synced_at` */
const names = ["id", ...fields, "_raw", "_synced_at"].map(quote)
const perRow = names.length

const client = new pg.Client({ connectionString: url })
await client.connect()
try {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${state} (stream TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at timestamptz NOT NULL)`)
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${members} ("id" text NOT NULL, ${COLUMNS.map(([field, type]) => `${quote(field)} ${type}`).join(", ")}, ` +
      `"_raw" jsonb, "_synced_at" timestamptz NOT NULL, "_deleted_at" timestamptz, PRIMARY KEY ("id"))`
  )
  const set = [...fields, "_raw", "_synced_at"].map((f) => `${quote(f)} = excluded.${quote(f)}`)
  /** the upsert of `rows` rows: one statement per page length (every page but the last has 100) */
  const upsert = (rows) => {
    let n = 0
    const tuples = Array.from({ length: rows }, () => `(${names.map(() => `$${++n}`).join(", ")})`)
    return {
      name: `members-upsert-${rows}`,
      text: `INSERT INTO ${members} (${names.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT ("id") DO UPDATE SET ${set.join(", ")}, "_deleted_at" = NULL`
    }
  }
  const saveState = {
    name: "members-state",
    text: `INSERT INTO ${state} (stream, state, updated_at) VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`
  }
  const startedAt = new Date().toISOString()
  let cursorMax
  for await (const { items, next } of memberPages(origin, token)) {
    for (const record of items) if (cursorMax === undefined || record.updated_at > cursorMax) cursorMax = record.updated_at
    const now = new Date().toISOString()
    const values = new Array(items.length * perRow)
    let i = 0
    for (const record of items) {
      values[i++] = String(record.id)
      for (const field of fields) {
        const value = record[field]
        values[i++] = value === undefined || value === null ? null : json.has(field) ? JSON.stringify(value) : value
      }
      values[i++] = null
      values[i++] = now
    }
    await client.query("BEGIN")
    try {
      if (items.length > 0) await client.query({ ...upsert(items.length), values })
      const position = { cursor: cursorMax, resume: next === null ? undefined : { page: next } }
      await client.query({ ...saveState, values: ["members", JSON.stringify(position), now] })
      await client.query("COMMIT")
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined)
      throw error
    }
  }
  await client.query(`UPDATE ${members} SET "_deleted_at" = $1 WHERE "_synced_at" < $2 AND "_deleted_at" IS NULL`, [new Date().toISOString(), startedAt])
} finally {
  await client.end()
}
