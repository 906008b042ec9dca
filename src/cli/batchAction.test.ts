/**
 * Batch actions on the built CLI against the stateful mock of this process: a dry run sends nothing; invalid
 * rows are listed with their lines and nothing is sent; a run killed mid-way and resumed with --resume ends
 * with every deduction created once and one result per row; a last batch the API refuses is reported not
 * applied, with the hint to resume; rows come from a file, stdin or a request body.
 */
import { writeFileSync } from "node:fs"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { deductionRows, jsonLines } from "../../test-support/deductionRows.js"
import { ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, waitForOutput, writeJson } from "../../test-support/cliHarness.js"

let mock: MockServer
let tmp: ReturnType<typeof tempDir>
let configFile: string

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 400 })
  tmp = tempDir()
  const tokens = mock.issueTokens(mock.scopes)
  configFile = writeJson(tmp.file("config.json"), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    base_url: mock.url
  })
  await built
}, 120_000)
afterAll(async () => {
  await mock.close()
  tmp.cleanup()
})
beforeEach(() => {
  mock.setFaults([])
  mock.clearLog()
})

const writes = () => mock.requests.filter((r) => r.method !== "GET")
const resultLines = (stdout: string) => stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, any>)
const rowsFile = (name: string, text: string) => {
  writeFileSync(tmp.file(name), text)
  return `@${tmp.file(name)}`
}
const action = (...args: Array<string>) => runCli(["action", ...args, "--config", configFile, "--journal", tmp.file("journal.db")])

describe("batch actions on the command line", () => {
  it("--dry-run validates and prints the requests, sending nothing", async () => {
    const input = rowsFile("dry.jsonl", jsonLines(deductionRows(mock, 250, "Dry run")))
    const result = await action("create_deductions", "--input", input, "--dry-run")
    expect(result.code, result.stderr).toBe(0)
    const batches = resultLines(result.stdout)
    expect(batches.map((b) => [b["batch"], b["method"], b["path"], b["body"].items.length])).toEqual([
      [1, "POST", "/v1/deductions", 100], [2, "POST", "/v1/deductions", 100], [3, "POST", "/v1/deductions", 50]
    ])
    expect(batches[0]!["body"].items[0].operation_id).toMatch(/^jwc-[0-9a-f]{32}$/)
    expect(result.stderr.trim()).toBe("dry run: 250 rows would be sent in 3 requests to POST /v1/deductions; nothing was sent")
    expect(mock.requests).toEqual([])
  })

  it("invalid rows: each listed with its line, nothing sent, non-zero exit; --partial sends the valid ones", async () => {
    const rows = deductionRows(mock, 6, "Partial")
    const text = jsonLines([rows[0], { ...rows[1], amount: "12.50" }, rows[2], { ...rows[3], start_date: "2026-13-01" }, rows[4], rows[5]])
    const input = rowsFile("invalid.jsonl", text)
    const refused = await action("create_deductions", "--input", input)
    expect(refused.code).toBe(1)
    expect(hasStackTrace(refused.stderr)).toBe(false)
    expect(refused.stderr.trim().split("\n")).toEqual([
      `justworks-connector: ${tmp.file("invalid.jsonl")} line 2: amount: Expected number`,
      `justworks-connector: ${tmp.file("invalid.jsonl")} line 4: start_date: Expected a date (YYYY-MM-DD)`,
      "justworks-connector: 2 of 6 rows are invalid; nothing was sent (--partial sends the 4 valid rows)"
    ])
    expect(refused.stdout).toBe("")
    expect(writes()).toEqual([])

    const dry = await action("create_deductions", "--input", input, "--dry-run")
    expect(dry.code).toBe(1)
    expect(dry.stderr).toMatch(/2 of 6 rows are invalid; nothing would be sent/)
    expect(writes()).toEqual([])

    const partial = await action("create_deductions", "--input", input, "--partial")
    expect(partial.code).toBe(1)
    expect(resultLines(partial.stdout).map((r) => [r["line"], r["status"]]).sort((a, b) => a[0] - b[0])).toEqual([
      [1, "applied"], [2, "invalid"], [3, "applied"], [4, "invalid"], [5, "applied"], [6, "applied"]
    ])
    expect(partial.stderr.trim().split("\n").at(-1)).toMatch(/^justworks-connector: create_deductions: 6 rows: 2 invalid, 4 applied \(journal: .*journal\.db\); 2 not applied$/)
  })

  it("a run killed mid-way and resumed with --resume: every deduction created once, one result per row", async () => {
    const rows = deductionRows(mock, 1_000, "Killed run")
    const input = rowsFile("thousand.jsonl", jsonLines(rows))
    const before = mock.store.writtenDeductions().length
    // every batch is applied at once but answered 200 ms later: the kill lands between applying and answering
    mock.setFaults([{ kind: "slow", delayMs: 200, rate: 1, path: "/v1/deductions", method: "POST" }])
    const child = spawnCli(["action", "create_deductions", "--config", configFile, "--journal", tmp.file("kill.db"), "--input", input], { cwd: tmp.dir })
    const exited = new Promise((resolve) => child.on("exit", resolve))
    await waitForOutput(child.stdout, /(?:\n[^\n]*){300}/)
    child.kill("SIGKILL")
    await exited
    const afterKill = mock.store.writtenDeductions().length - before
    expect(afterKill).toBeGreaterThanOrEqual(300)
    expect(afterKill).toBeLessThan(1_000)

    mock.setFaults([])
    const resumed = await runCli(["action", "create_deductions", "--config", configFile, "--journal", tmp.file("kill.db"), "--input", input, "--resume"])
    expect(resumed.code, resumed.stderr).toBe(0)
    const results = resultLines(resumed.stdout)
    expect(results).toHaveLength(1_000)
    expect(new Set(results.map((r) => r["line"])).size).toBe(1_000)
    expect(results.every((r) => r["status"] === "applied" && typeof r["deduction_id"] === "string" && r["error"] === null)).toBe(true)
    expect(resumed.stderr.trim()).toMatch(/^create_deductions: 1,000 rows: 1,000 applied \(journal: .*kill\.db; [3-9]\d\d reported from the journal of the earlier run\)$/)
    const written = mock.store.writtenDeductions().slice(before)
    expect(written).toHaveLength(1_000)
    expect(new Set(written.map((d) => d.operation_id)).size).toBe(1_000)
    expect(new Set(written.map((d) => d.id))).toEqual(new Set(results.map((r) => r["deduction_id"])))
  }, 60_000)

  it("a last batch the API refuses (a dead token): its rows failed, not applied, and the summary says to resume", async () => {
    const deadConfig = writeJson(tmp.file("dead-config.json"), {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      access_token: "an-expired-access-token",
      refresh_token: "a-revoked-refresh-token",
      base_url: mock.url
    })
    const input = rowsFile("refused.jsonl", jsonLines(deductionRows(mock, 3, "Refused")))
    const before = mock.store.writtenDeductions().length
    const refused = await runCli(["action", "create_deductions", "--config", deadConfig, "--journal", tmp.file("refused.db"), "--input", input])
    expect(refused.code).toBe(1)
    expect(hasStackTrace(refused.stderr)).toBe(false)
    expect(resultLines(refused.stdout).map((r) => [r["line"], r["status"]])).toEqual([[1, "failed"], [2, "failed"], [3, "failed"]])
    expect(refused.stderr.trim().split("\n").at(-1)).toMatch(
      /^justworks-connector: create_deductions: 3 rows: 3 failed \(journal: .*refused\.db\); 3 not applied; run the same command with --resume to send the unsettled rows again$/
    )
    expect(mock.store.writtenDeductions().length).toBe(before)
  })

  it("rows on standard input; cancel takes the request body form; an already canceled deduction is reported unchanged", async () => {
    const rows = deductionRows(mock, 3, "From stdin")
    const child = spawnCli(["action", "create_deductions", "--config", configFile, "--journal", tmp.file("journal.db")], { cwd: tmp.dir })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stdin.end(jsonLines(rows))
    const code = await new Promise((resolve) => child.on("exit", resolve))
    expect(code).toBe(0)
    const ids = resultLines(stdout).map((r) => r["deduction_id"] as string)
    expect(ids).toHaveLength(3)

    const first = await action("cancel_deductions", "--input", JSON.stringify({ deduction_ids: [ids[0]] }))
    expect(first.code, first.stderr).toBe(0)
    const all = await action("cancel_deductions", "--input", JSON.stringify({ deduction_ids: ids }))
    expect(all.code, all.stderr).toBe(0)
    expect(resultLines(all.stdout)).toEqual([
      { item: 1, status: "unchanged", deduction_id: ids[0], error: "Deduction is already canceled." },
      { item: 2, status: "applied", deduction_id: ids[1], error: null },
      { item: 3, status: "applied", deduction_id: ids[2], error: null }
    ])
    expect(all.stderr.trim()).toMatch(/^cancel_deductions: 3 rows: 1 unchanged, 2 applied/)
  })

  it("batch flags on other actions, and no rows, are usage errors", async () => {
    const [flag, empty] = await Promise.all([
      runCli(["action", "get_company", "--config", configFile, "--dry-run"]),
      action("create_deductions", "--input", "\n\n")
    ])
    expect(flag.code).toBe(1)
    expect(flag.stderr.trim()).toBe("justworks-connector: --dry-run: only for batch actions (create_deductions, update_deductions, cancel_deductions)")
    expect(empty.code).toBe(1)
    expect(empty.stderr.trim()).toBe("justworks-connector: invalid rows: --input: holds no rows")
    expect(mock.requests).toEqual([])
  })
})
