/**
 * `sync` of the built CLI: the demo (`--mock`) interrupted by Ctrl-C (state saved), resumed to completion and
 * run again incrementally, every record exactly once; and a config-based sync that reads only what the
 * scopes allow and sends the saved cursor.
 */
import { existsSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { demoCompany } from "../cli/demoCompany.js"
import { ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, writeJson } from "../../test-support/cliHarness.js"
import { expectedStreamCounts } from "../../test-support/expectedStreamCounts.js"
import { Database } from "../../test-support/sqliteFile.js"

let tmp: ReturnType<typeof tempDir>

beforeAll(async () => {
  tmp = tempDir()
  await ensureBuilt()
}, 120_000)

afterAll(() => tmp?.cleanup())

/** Rows per table of a sync database, and its saved states. */
const inspect = (path: string) => {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name").all() as Array<{ name: string }>
    const counts = Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]))
    const states = Object.fromEntries(
      (db.prepare("SELECT stream, state FROM _state").all() as Array<{ stream: string; state: string }>).map((r) => [r.stream, JSON.parse(r.state)])
    )
    const membersSyncedAt = "members" in counts
      ? new Map((db.prepare(`SELECT id, _synced_at FROM members`).all() as Array<{ id: string; _synced_at: string }>).map((r) => [r.id, r._synced_at]))
      : new Map<string, string>()
    return { counts, states, membersSyncedAt }
  } finally {
    db.close()
  }
}

/** The rows a complete sync of a mock company holds, per stream (as the stateful mock counts them). */
const expectedRows = expectedStreamCounts

describe("sync", () => {
  it("--mock: Ctrl-C stops cleanly with the state saved; the next run completes; a third is incremental; every record once", async () => {
    const database = tmp.file("demo.db")
    const args = ["sync", "--mock", "--mock-members", "10", "--database", database]
    // the same demo company, started here to count what it holds
    const reference = await startMockServer(demoCompany(10))
    const expected = Object.fromEntries(Object.entries(expectedRows(reference.store.counts())).sort(([a], [b]) => a.localeCompare(b)))
    await reference.close()

    const child = spawnCli(args, { cwd: tmp.dir })
    let interrupted = ""
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        interrupted += chunk.toString()
        if (/members: \d+ records? in/.test(interrupted)) resolve()
      })
    })
    child.kill("SIGINT")
    expect(await exited).toBe(130)
    expect(interrupted).toContain("Interrupted: everything written so far is saved with its state.")
    const cursor: string = inspect(database).states["members"].cursor
    expect(cursor).toMatch(/^\d{4}-\d{2}-\d{2}T/)

    const resumed = await runCli(args)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toBe("")
    expect(resumed.stderr).toContain(`members started (incremental, from ${cursor})`)
    expect(resumed.stderr).toMatch(/Synced [\d,]+ records of 19 streams/)
    const complete = inspect(database)
    expect(complete.counts).toEqual(expected)

    const again = await runCli(args)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain(`members started (incremental, from ${cursor})`)
    const after = inspect(database)
    expect(after.counts).toEqual(expected)
    // members older than the cursor were not read again: their rows still carry the earlier sync's time
    const untouched = [...after.membersSyncedAt].filter(([id, at]) => complete.membersSyncedAt.get(id) === at)
    expect(untouched.length).toBeGreaterThan(0)
    expect(untouched.length).toBeLessThan(10)
    expect(hasStackTrace(interrupted + resumed.stderr + again.stderr)).toBe(false)
  }, 60_000)

  it("--mock with its output closed early (`sync --mock 2>&1 | head -2`): stops as Ctrl-C does; the next run completes", async () => {
    const database = tmp.file("closed.db")
    const args = ["sync", "--mock", "--mock-members", "10", "--database", database]
    const child = spawnCli(args, { cwd: tmp.dir })
    const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
    await new Promise<void>((resolve) => child.stderr.once("data", () => resolve()))
    child.stderr.destroy()
    child.stdout.destroy()
    expect(await exited).toBe(130)
    const resumed = await runCli(args)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/Synced [\d,]+ records of 19 streams/)
    expect(hasStackTrace(resumed.stderr)).toBe(false)
  }, 60_000)

  it("--mock stopped by Ctrl-C whose output then closes (`sync --mock | tee log` and Ctrl-C): the run still ends cleanly, 130", async () => {
    const database = tmp.file("ctrl-c-closed.db")
    const child = spawnCli(["sync", "--mock", "--mock-members", "10", "--database", database], { cwd: tmp.dir })
    const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
    await new Promise<void>((resolve) => child.stderr.once("data", () => resolve()))
    child.kill("SIGINT")
    // the output closes while the run stops (the runtime has taken the signal): its last lines meet a closed pipe
    await new Promise((resolve) => setTimeout(resolve, 30))
    child.stderr.destroy()
    child.stdout.destroy()
    expect(await exited).toBe(130)
  }, 60_000)

  describe("with a config, against a mock of this process", () => {
    let mock: MockServer
    beforeAll(async () => {
      mock = await startMockServer({ members: 25, payrollMonths: 2, reportReadyAfterPolls: 0 })
    })
    afterAll(() => mock?.close())

    it("reads only the streams the scopes allow; the next run sends the saved cursor; no secret in the output", async () => {
      const issued = mock.issueTokens(["member.basic:read", "member.detail:read"])
      const config = writeJson(tmp.file("config.json"), {
        client_id: mock.clientId,
        client_secret: mock.clientSecret,
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
        base_url: mock.url,
        presets: ["member_information"]
      })
      const database = tmp.file("members.db")
      const first = await runCli(["sync", "--config", config, "--database", database])
      expect(first.code, first.stderr).toBe(0)
      const counts = inspect(database).counts
      expect(counts).toEqual({
        member_custom_field_values: mock.store.counts().memberCustomFieldValues,
        members: 25,
        webhooks: mock.store.counts().webhooks
      })
      const cursor: string = inspect(database).states["members"].cursor
      mock.clearLog()
      const touched = mock.store.touchMember(5)
      const second = await runCli(["sync", "--config", config, "--database", database])
      expect(second.code, second.stderr).toBe(0)
      const memberPages = mock.requests.filter((r) => r.path === "/v1/members")
      expect(memberPages.length).toBeGreaterThan(0)
      // the incremental read of members asks from the cursor; the parent read of custom field values reads all
      expect(memberPages.some((r) => r.query["updated_at_gte"] === cursor)).toBe(true)
      expect(inspect(database).counts).toEqual(counts)
      expect(inspect(database).states["members"].cursor).toBe(touched)
      for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
        for (const secret of [issued.access_token, issued.refresh_token, mock.clientSecret]) expect(output).not.toContain(secret)
      }
    }, 60_000)

    it("without --config or --mock: one line saying what to give", async () => {
      const result = await runCli(["sync", "--database", tmp.file("none.db")])
      expect(result.code).toBe(1)
      expect(result.stderr.trim()).toBe("justworks-connector: sync needs --config FILE (or --mock for the demo company)")
      expect(existsSync(tmp.file("none.db"))).toBe(false)
    })
  })
})
