/**
 * `sync` and `read` of the built CLI against a stateful mock of this process, as a user runs them again and
 * again: a second sync reads what changed and little else, and leaves the database equal to the mock; a run
 * killed (SIGKILL) part way resumes from its last checkpoint with every record and at most a page read twice;
 * a record of an unknown enum value is kept and reported (warn) or fails its stream alone (strict); the
 * options that choose streams, a start date and a reset.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, writeJson } from "../../test-support/cliHarness.js"
import { expectedStreamCounts } from "../../test-support/expectedStreamCounts.js"
import { Database } from "../../test-support/sqliteFile.js"


let tmp: ReturnType<typeof tempDir>
beforeAll(async () => {
  tmp = tempDir()
  await ensureBuilt()
}, 120_000)
afterAll(() => tmp?.cleanup())

/** Rows per table that a whole read still had (not marked deleted). */
const liveRows = (path: string): Record<string, number> => {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name").all() as Array<{ name: string }>
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE _deleted_at IS NULL`).get() as { n: number }).n]))
  } finally {
    db.close()
  }
}

const configFor = (mock: MockServer, name: string, extra: Record<string, unknown> = {}) => {
  const issued = mock.issueTokens(mock.scopes)
  return writeJson(tmp.file(name), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    base_url: mock.url,
    ...extra
  })
}

const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))

describe("sync, run again and again", () => {
  let mock: MockServer
  beforeAll(async () => {
    mock = await startMockServer({ members: 300, payrollMonths: 6, reportReadyAfterPolls: 0 })
  })
  afterAll(() => mock?.close())

  it("a second sync after one member changed makes under 10% of the first's requests; the database equals the mock", async () => {
    const config = configFor(mock, "incremental.json")
    const database = tmp.file("incremental.db")
    mock.clearLog()
    const first = await runCli(["sync", "--config", config, "--database", database])
    expect(first.code, first.stderr).toBe(0)
    const firstRequests = mock.requests.filter((r) => r.path.startsWith("/v1/"))
    expect(sorted(liveRows(database))).toEqual(sorted(expectedStreamCounts(mock.store.counts())))
    // the payroll list once per date window, whatever reads under it (payrolls, fees, paystubs, details)
    const windows = firstRequests.filter((r) => r.path === "/v1/payrolls").map((r) => `${r.query["start_date"]}..${r.query["end_date"]}`)
    expect(new Set(windows).size).toBe(windows.length)
    expect(windows.length).toBeGreaterThan(2)

    mock.store.touchMember(7)
    mock.clearLog()
    const second = await runCli(["sync", "--config", config, "--database", database])
    expect(second.code, second.stderr).toBe(0)
    const secondRequests = mock.requests.filter((r) => r.path.startsWith("/v1/"))
    expect(secondRequests.length / firstRequests.length).toBeLessThan(0.1)
    expect(sorted(liveRows(database))).toEqual(sorted(expectedStreamCounts(mock.store.counts())))
    // the summary says what each stream asked for
    expect(second.stderr).toMatch(/^paystub_details\s+0\s+0\s+[\d.]+\s+done$/m)
    expect(second.stderr).toMatch(/^total\s+[\d,]+\s+[\d,]+\s/m)
    expect(hasStackTrace(first.stderr + second.stderr)).toBe(false)
  }, 180_000)

  it("a record with an unknown enum value: kept and counted (warn); its stream alone fails (strict)", async () => {
    const config = configFor(mock, "validation.json")
    mock.setFaults([{ kind: "patch", set: { frequency: "monthly" }, path: "/v1/deductions", method: "GET", rate: 1 }])
    try {
      const warned = await runCli(["sync", "--config", config, "--database", tmp.file("warn.db"), "--streams", "deductions,deduction_types"])
      expect(warned.code, warned.stderr).toBe(0)
      expect(warned.stderr).toMatch(/Records kept that do not match their schema \(validation: warn\):\n.*\n.*\ndeductions\s+\d+\s+frequency: Expected one of "one_time", "every_paycheck"$/m)
      expect(warned.stderr).not.toContain("monthly")
      expect(liveRows(tmp.file("warn.db"))["deductions"]).toBe(mock.store.counts().deductions)

      const strict = await runCli(["sync", "--config", config, "--database", tmp.file("strict.db"), "--streams", "deductions,deduction_types", "--validation", "strict"])
      expect(strict.code).toBe(1)
      expect(strict.stderr).toMatch(/^deductions\s+\d+\s+\d+\s+[\d.]+\s+failed$/m)
      expect(strict.stderr).toMatch(/^deduction_types\s+\d+\s+\d+\s+[\d.]+\s+done$/m)
      expect(strict.stderr).toContain("justworks-connector: 1 of 2 streams did not complete: deductions")
    } finally {
      mock.setFaults([])
    }
  }, 60_000)

  it("--streams, --start-date and --full-refresh: the streams named, from that day, their state forgotten", async () => {
    const config = configFor(mock, "options.json")
    const database = tmp.file("options.db")
    const chosen = await runCli(["sync", "--config", config, "--database", database, "--streams", "payrolls,members", "--start-date", "2000-01-01"])
    expect(chosen.code, chosen.stderr).toBe(0)
    expect(Object.keys(liveRows(database)).sort()).toEqual(["members", "payrolls"])
    expect(liveRows(database)["payrolls"]).toBe(mock.store.counts().payrolls)
    mock.clearLog()
    const again = await runCli(["sync", "--config", config, "--database", database, "--streams", "members", "--full-refresh"])
    expect(again.code, again.stderr).toBe(0)
    // the state forgotten: every member read, none from a cursor
    expect(mock.requests.filter((r) => r.path === "/v1/members").every((r) => r.query["updated_at_gte"] === undefined)).toBe(true)
    expect(again.stderr).toMatch(/^members\s+300\s/m)
    for (const [args, message] of [
      [["--streams", "memberz"], /--streams: unknown stream "memberz"; streams: company, /],
      [["--start-date", "2025-02-30"], /--start-date must be a day written YYYY-MM-DD, got "2025-02-30"/]
    ] as const) {
      const result = await runCli(["sync", "--config", config, "--database", database, ...args])
      expect(result.code).toBe(1)
      expect(result.stderr.trim()).toMatch(message)
    }
  }, 60_000)
})

describe("killed part way (SIGKILL)", () => {
  let mock: MockServer
  beforeAll(async () => {
    mock = await startMockServer({ members: 30_000 })
  })
  afterAll(() => mock?.close())

  it("read: resumed from its last STATE, every member is read, at most one page twice", async () => {
    const config = configFor(mock, "kill-read.json")
    const catalog = writeJson(tmp.file("kill-catalog.json"), {
      streams: [{ stream: { name: "members", json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] }, sync_mode: "incremental", destination_sync_mode: "append_dedup" }]
    })
    const child = spawnCli(["read", "--config", config, "--catalog", catalog], { cwd: tmp.dir })
    const firstIds: Array<string> = []
    let lastState: unknown
    let buffered = ""
    let states = 0
    const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split("\n")
      buffered = lines.pop()!
      for (const line of lines) {
        const message = JSON.parse(line)
        if (message.type === "RECORD") firstIds.push(message.record.data.id)
        // what a platform keeps: the last STATE it saw
        if (message.type === "STATE") {
          lastState = message.state
          if (++states === 60) child.kill("SIGKILL")
        }
      }
    })
    expect(await exited).toBe("SIGKILL")
    expect(firstIds.length).toBeLessThan(30_000)
    const stateFile = writeJson(tmp.file("kill-state.json"), [lastState])
    const resumed = await runCli(["read", "--config", config, "--catalog", catalog, "--state", stateFile])
    expect(resumed.code, resumed.stderr).toBe(0)
    const secondIds = resumed.stdout.split("\n").filter((l) => l.includes('"type":"RECORD"')).map((l) => JSON.parse(l).record.data.id as string)
    expect(new Set([...firstIds, ...secondIds]).size).toBe(30_000)
    const read = new Set(firstIds)
    const twice = secondIds.filter((id) => read.has(id)).length
    expect(twice).toBeLessThanOrEqual(100)
  }, 120_000)

  it("sync: rerun after a kill, every member is in the database; it asks for no page before the last one saved", async () => {
    const config = configFor(mock, "kill-sync.json")
    const database = tmp.file("kill.db")
    mock.clearLog()
    const child = spawnCli(["sync", "--config", config, "--database", database, "--streams", "members"], { cwd: tmp.dir })
    const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
    let progress = ""
    child.stderr.on("data", (chunk: Buffer) => {
      progress += chunk.toString()
      // plain progress lines come every few seconds: kill once the mock has served a good part of the pages
      if (mock.requests.filter((r) => r.path === "/v1/members").length >= 100) child.kill("SIGKILL")
    })
    const poll = setInterval(() => {
      if (mock.requests.filter((r) => r.path === "/v1/members").length >= 100) child.kill("SIGKILL")
    }, 20)
    expect(await exited).toBe("SIGKILL")
    clearInterval(poll)
    const written = liveRows(database)["members"] ?? 0
    expect(written).toBeGreaterThan(0)
    expect(written).toBeLessThan(30_000)
    mock.clearLog()
    const resumed = await runCli(["sync", "--config", config, "--database", database, "--streams", "members"])
    expect(resumed.code, resumed.stderr + progress).toBe(0)
    expect(resumed.stderr).toContain("members started (resuming where the last run stopped)")
    expect(liveRows(database)["members"]).toBe(30_000)
    // the rerun starts from the last page saved: it asks for the pages not saved, and at most one more
    const pages = mock.requests.filter((r) => r.path === "/v1/members").length
    expect(pages).toBeLessThanOrEqual(300 - Math.floor(written / 100) + 1)
  }, 120_000)
})
