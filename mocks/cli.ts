/**
 * `npm run mock -- [--port N] [--members N] [--seed N] [--token-ttl SECONDS] [--as-of YYYY-MM-DD]
 * [--report-polls N] [--faults JSON]`: starts the mock Justworks API and prints its URL, the demo client
 * credentials and an access token holding every scope. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util"
import type { FaultPlan } from "./faults.js"
import { type MockOptions, startMockServer } from "./startMockServer.js"

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    members: { type: "string" },
    seed: { type: "string" },
    "token-ttl": { type: "string" },
    "as-of": { type: "string" },
    "report-polls": { type: "string" },
    faults: { type: "string" },
    help: { type: "boolean", short: "h" }
  },
  strict: true
})

if (values.help === true) {
  console.log("usage: npm run mock -- [--port N] [--members N] [--seed N] [--token-ttl SECONDS] [--as-of YYYY-MM-DD] [--report-polls N] [--faults JSON]")
  process.exit(0)
}

const integer = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${text}`)
    process.exit(2)
  }
  return n
}

const port = integer("port", values.port)
const members = integer("members", values.members)
const seed = integer("seed", values.seed)
const ttl = integer("token-ttl", values["token-ttl"])
const polls = integer("report-polls", values["report-polls"])
const options: MockOptions = {
  ...(port !== undefined ? { port } : {}),
  ...(members !== undefined ? { members } : {}),
  ...(seed !== undefined ? { seed } : {}),
  ...(ttl !== undefined ? { accessTokenTtlSeconds: ttl } : {}),
  ...(polls !== undefined ? { reportReadyAfterPolls: polls } : {}),
  ...(values["as-of"] !== undefined ? { asOf: values["as-of"] } : {}),
  ...(values.faults !== undefined ? { faults: JSON.parse(values.faults) as FaultPlan } : {})
}

const server = await startMockServer(options)
const tokens = server.issueTokens(server.scopes)
console.log(`Justworks mock API listening on ${server.url}`)
console.log(`  company:       ${server.store.memberCount} members, seed ${server.store.seed}, data as of ${server.store.asOf}`)
console.log(`  client_id:     ${server.clientId}`)
console.log(`  client_secret: ${server.clientSecret}`)
console.log(`  authorize:     ${server.url}/oauth/authorize?client_id=${server.clientId}&response_type=code&redirect_uri=...&scope=...&state=...`)
console.log(`  access_token:  ${tokens.access_token}   (all scopes, expires ${tokens.expires_at})`)
console.log(`  refresh_token: ${tokens.refresh_token}`)
console.log(`  try:           curl -H "Authorization: Bearer ${tokens.access_token}" ${server.url}/v1/members?limit=2`)

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping the mock server`)
  void server.close().then(() => process.exit(0))
}
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
