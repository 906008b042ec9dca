/**
 * The limit of `read` that does the same work: raw undici (keep-alive `Agent`), each page `JSON.parse`d and its
 * records written to stdout as the connector's RECORD lines (same fields, `emitted_at`), one write per page,
 * waiting for the pipe to drain. Plain Node, no project code:
 *
 *   node bench/baselines/rawOutput.mjs BASE_URL ACCESS_TOKEN
 */
import { memberPages } from "./memberPages.mjs"

const [origin, token] = process.argv.slice(2)
const write = (text) => (process.stdout.write(text) ? undefined : new Promise((resolve) => process.stdout.once("drain", resolve)))

for await (const { items } of memberPages(origin, token)) {
  const at = Date.now()
  let lines = ""
  for (const data of items) lines += `${JSON.stringify({ type: "RECORD", record: { stream: "members", data, emitted_at: at } })}\n`
  await write(lines)
}
