/**
 * The limit of `read` that does the same work: raw undici (keep-alive `Agent`), each page `JSON.parse`d and its
 * records written to stdout as the connector's RECORD lines (same fields, `emitted_at`), one write per page,
 * waiting for the pipe to drain. Plain Node, no project code:
 *
 *   node bench/baselines/rawOutput.mjs BASE_URL ACCESS_TOKEN
 */
import { Agent } from "undici"

const [origin, token] = process.argv.slice(2)
const agent = new Agent()
const headers = { authorization: `Bearer ${token}`, accept: "application/json" }
const write = (text) => (process.stdout.write(text) ? undefined : new Promise((resolve) => process.stdout.once("drain", resolve)))

let cursor = null
do {
  const path = cursor === null ? "/v1/members?limit=100" : `/v1/members?limit=100&cursor=${encodeURIComponent(cursor)}`
  const { statusCode, body } = await agent.request({ origin, path, method: "GET", headers })
  const text = await body.text()
  if (statusCode !== 200) throw new Error(`GET ${path}: HTTP ${statusCode}`)
  const page = JSON.parse(text)
  const at = Date.now()
  let lines = ""
  for (const data of page.items) lines += `${JSON.stringify({ type: "RECORD", record: { stream: "members", data, emitted_at: at } })}\n`
  await write(lines)
  cursor = page.next_cursor
} while (cursor !== null)
await agent.close()
