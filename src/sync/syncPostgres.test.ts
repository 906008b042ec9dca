/**
 * `sync` of the built CLI into a real PostgreSQL server (started here, on a free loopback port): the demo
 * company gives the same rows per table as a SQLite sync, in typed columns that SQL can use; a second run is
 * incremental; a run killed with SIGKILL and rerun holds every record once; a field first seen gets a
 * column and a value of another type is kept in `_raw` and reported; a database that cannot be reached is
 * one clear line that never shows the password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, writeJson } from "../../test-support/cliHarness.js"
import { freePort, startPostgres, type TestPostgres } from "../../test-support/embeddedPostgres.js"
import { Database } from "../../test-support/sqliteFile.js"


let tmp: ReturnType<typeof tempDir>
let pg: TestPostgres

beforeAll(async () => {
  tmp = tempDir()
  ;[pg] = await Promise.all([startPostgres(), ensureBuilt()])
}, 180_000)

afterAll(async () => {
  await pg?.stop()
  tmp?.cleanup()
})

const sqliteQuery = <R,>(path: string, sql: string): Array<R> => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare(sql).all() as Array<R>
  } finally {
    db.close()
  }
}

const sqliteCounts = (path: string): Record<string, number> =>
  Object.fromEntries(
    sqliteQuery<{ name: string }>(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
      .map(({ name }) => [name, sqliteQuery<{ n: number }>(path, `SELECT count(*) AS n FROM "${name}"`)[0]!.n])
  )

const pgCounts = async (database: string, schema = "justworks"): Promise<Record<string, number>> => {
  const tables = await pg.query<{ table_name: string }>(
    database,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE '\\_%' ORDER BY table_name",
    [schema]
  )
  const counts: Record<string, number> = {}
  for (const { table_name } of tables) {
    counts[table_name] = Number((await pg.query<{ n: string }>(database, `SELECT count(*) AS n FROM "${schema}"."${table_name}"`))[0]!.n)
  }
  return counts
}

const columnTypes = async (database: string, table: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await pg.query<{ column_name: string; data_type: string }>(
      database,
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'justworks' AND table_name = $1",
      [table]
    )).map((r) => [r.column_name, r.data_type])
  )

const configFor = (mock: MockServer, name: string) => {
  const issued = mock.issueTokens(mock.scopes)
  return writeJson(tmp.file(name), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    base_url: mock.url
  })
}

describe("sync --database postgres://…", () => {
  it("--mock: the rows of a SQLite sync, in typed columns; SQL on them agrees; the second run is incremental", async () => {
    const url = await pg.createDatabase("demo")
    const file = tmp.file("demo.db")
    const args = ["sync", "--mock", "--mock-members", "12"]
    const [intoPg, intoSqlite] = await Promise.all([runCli([...args, "--database", url]), runCli([...args, "--database", file])])
    expect(intoPg.code, intoPg.stderr).toBe(0)
    expect(intoSqlite.code, intoSqlite.stderr).toBe(0)
    expect(intoPg.stderr).toMatch(/Synced [\d,]+ records of 19 streams in [\d.]+ s into schema justworks of the database postgres:\/\/justworks:\*\*\*@127\.0\.0\.1:\d+\/demo\./)
    expect(intoPg.stderr).not.toContain(pg.password)

    const counts = await pgCounts("demo")
    expect(Object.keys(counts)).toHaveLength(19)
    expect(counts).toEqual(sqliteCounts(file))
    expect(counts["members"]).toBe(12)

    // typed columns: dates, integer cents, timestamps, booleans, nested values as jsonb
    const members = await columnTypes("demo", "members")
    expect(members).toMatchObject({
      id: "text",
      employment_start_date: "date",
      created_at: "timestamp with time zone",
      active: "boolean",
      emails: "jsonb",
      _raw: "jsonb",
      _synced_at: "timestamp with time zone",
      _deleted_at: "timestamp with time zone"
    })
    expect(await columnTypes("demo", "paystubs")).toMatchObject({ gross_pay: "bigint", net_pay: "bigint", pay_date: "date" })

    const [started] = await pg.query<{ n: string; min: Date }>(
      "demo",
      "SELECT count(*) AS n, min(employment_start_date) AS min FROM justworks.members WHERE employment_start_date >= DATE '2022-01-01'"
    )
    const [startedLite] = sqliteQuery<{ n: number }>(file, "SELECT count(*) AS n FROM members WHERE employment_start_date >= '2022-01-01'")
    expect(Number(started!.n)).toBe(startedLite!.n)
    expect(Number(started!.n)).toBeGreaterThan(0)
    const [paid] = await pg.query<{ total: string; type: string }>("demo", "SELECT sum(gross_pay) AS total, pg_typeof(sum(gross_pay))::text AS type FROM justworks.paystubs")
    const [paidLite] = sqliteQuery<{ total: number }>(file, "SELECT sum(gross_pay) AS total FROM paystubs")
    expect(paid!.type).toBe("numeric")
    expect(Number(paid!.total)).toBe(paidLite!.total)
    expect(Number(paid!.total)).toBeGreaterThan(0)
    // a jsonb column is queryable as JSON
    const [withEmail] = await pg.query<{ n: string }>("demo", "SELECT count(*) AS n FROM justworks.members WHERE jsonb_array_length(emails) > 0")
    expect(Number(withEmail!.n)).toBeGreaterThan(0)

    const cursorRows = await pg.query<{ state: string }>("demo", "SELECT state FROM justworks._state WHERE stream = 'members'")
    const cursor: string = JSON.parse(cursorRows[0]!.state).cursor
    expect(cursor).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    const before = new Map((await pg.query<{ id: string; at: Date }>("demo", "SELECT id, _synced_at AS at FROM justworks.members")).map((r) => [r.id, r.at.getTime()]))
    const again = await runCli([...args, "--database", url])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain(`members started (incremental, from ${cursor})`)
    expect(await pgCounts("demo")).toEqual(counts)
    const after = await pg.query<{ id: string; at: Date }>("demo", "SELECT id, _synced_at AS at FROM justworks.members")
    const untouched = after.filter((r) => before.get(r.id) === r.at.getTime())
    expect(untouched.length).toBeGreaterThan(0)
    expect(untouched.length).toBeLessThan(12)
    expect(hasStackTrace(intoPg.stderr + again.stderr)).toBe(false)
  }, 120_000)

  it("--mock stopped by Ctrl-C: exit 130 with what was written saved; the next run completes with every row once", async () => {
    const url = await pg.createDatabase("interrupted")
    const args = ["sync", "--mock", "--mock-members", "10", "--database", url]
    const child = spawnCli(args, { cwd: tmp.dir })
    let stderr = ""
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
        if (/members: \d+ records? in/.test(stderr)) resolve()
      })
    })
    child.kill("SIGINT")
    expect(await exited).toBe(130)
    expect(stderr).toContain("Interrupted: everything written so far is saved with its state.")
    const [saved] = await pg.query<{ state: string }>("interrupted", "SELECT state FROM justworks._state WHERE stream = 'members'")
    expect(JSON.parse(saved!.state).cursor).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    const resumed = await runCli(args)
    expect(resumed.code, resumed.stderr).toBe(0)
    const reference = tmp.file("interrupted.db")
    expect((await runCli([...args.slice(0, -1), reference])).code).toBe(0)
    expect(await pgCounts("interrupted")).toEqual(sqliteCounts(reference))
    expect(hasStackTrace(stderr + resumed.stderr)).toBe(false)
  }, 90_000)

  it("--database-schema puts the tables in another schema", async () => {
    const url = await pg.createDatabase("schemas")
    const result = await runCli(["sync", "--mock", "--mock-members", "3", "--streams", "members,departments", "--database", url, "--database-schema", "Payroll Data"])
    expect(result.code, result.stderr).toBe(0)
    expect(await pgCounts("schemas", "Payroll Data")).toEqual({ departments: expect.any(Number), members: 3 })
  }, 60_000)

  describe("against a mock of this process", () => {
    let mock: MockServer
    beforeAll(async () => {
      mock = await startMockServer({ members: 30_000, payrollMonths: 1, reportReadyAfterPolls: 0 })
    })
    afterAll(() => mock?.close())

    it("the config's database and database_schema, when --database is not given", async () => {
      const url = await pg.createDatabase("configured")
      const issued = mock.issueTokens(mock.scopes)
      const config = writeJson(tmp.file("configured.json"), {
        client_id: mock.clientId,
        client_secret: mock.clientSecret,
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
        base_url: mock.url,
        database: url,
        database_schema: "from_config"
      })
      const result = await runCli(["sync", "--config", config, "--streams", "deduction_types,webhooks"])
      expect(result.code, result.stderr).toBe(0)
      expect(await pgCounts("configured", "from_config")).toEqual({
        deduction_types: mock.store.counts().deductionTypes,
        webhooks: mock.store.counts().webhooks
      })
      expect(result.stderr + result.stdout).not.toContain(pg.password)
    }, 60_000)

    it("killed with SIGKILL part way and rerun: every member exactly once", async () => {
      const url = await pg.createDatabase("killed")
      const config = configFor(mock, "kill.json")
      mock.clearLog()
      const args = ["sync", "--config", config, "--database", url, "--streams", "members"]
      const child = spawnCli(args, { cwd: tmp.dir })
      const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
      let progress = ""
      child.stderr.on("data", (chunk: Buffer) => (progress += chunk.toString()))
      const poll = setInterval(() => {
        if (mock.requests.filter((r) => r.path === "/v1/members").length >= 100) child.kill("SIGKILL")
      }, 20)
      expect(await exited).toBe("SIGKILL")
      clearInterval(poll)
      const written = (await pgCounts("killed"))["members"] ?? 0
      expect(written).toBeGreaterThan(0)
      expect(written).toBeLessThan(30_000)
      const resumed = await runCli(args)
      expect(resumed.code, resumed.stderr + progress).toBe(0)
      expect(resumed.stderr).toContain("members started (resuming where the last run stopped)")
      const [rows] = await pg.query<{ n: string; ids: string }>("killed", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM justworks.members")
      expect(Number(rows!.n)).toBe(30_000)
      expect(Number(rows!.ids)).toBe(30_000)
    }, 180_000)

    it("a field first seen gets a column; a value of another type is kept in _raw and reported", async () => {
      const url = await pg.createDatabase("evolving")
      const config = configFor(mock, "evolve.json")
      const args = ["sync", "--config", config, "--database", url, "--streams", "deduction_types"]
      const first = await runCli(args)
      expect(first.code, first.stderr).toBe(0)
      expect(await columnTypes("evolving", "deduction_types")).not.toHaveProperty("floor")

      mock.setFaults([{ kind: "patch", set: { floor: 7 }, path: "/v1/deduction-types", method: "GET", rate: 1 }])
      const added = await runCli(args)
      mock.setFaults([])
      expect(added.code, added.stderr).toBe(0)
      expect(added.stderr).toContain(`deduction_types: new field floor, stored in the new column "floor" (integer)`)
      expect((await columnTypes("evolving", "deduction_types"))["floor"]).toBe("bigint")
      const [seven] = await pg.query<{ n: string }>("evolving", "SELECT count(*) AS n FROM justworks.deduction_types WHERE floor = 7")
      expect(Number(seven!.n)).toBe(1)

      mock.setFaults([{ kind: "patch", set: { floor: "seventh" }, path: "/v1/deduction-types", method: "GET", rate: 1 }])
      const changed = await runCli(args)
      mock.setFaults([])
      expect(changed.code, changed.stderr).toBe(0)
      expect(changed.stderr).toContain(`warning: deduction_types.floor has values that are not integer (the type of its column "floor"): they are kept in the _raw column`)
      expect(changed.stderr).toMatch(/Values kept in the _raw column[^\n]*\n.*\n.*\ndeduction_types\s+floor\s+integer\s+1$/m)
      const raw = await pg.query<{ floor: string | null; raw: unknown }>("evolving", "SELECT floor, _raw AS raw FROM justworks.deduction_types WHERE _raw IS NOT NULL")
      expect(raw).toEqual([{ floor: null, raw: { floor: "seventh" } }])
    }, 60_000)
  })

  it("a database that cannot be used: one line naming it, never its password", async () => {
    const closed = await freePort()
    const cases: ReadonlyArray<[string, RegExp]> = [
      [`postgres://justworks:${pg.password}@127.0.0.1:${closed}/nowhere`, new RegExp(`could not connect to the database postgres://(justworks:)?\\*\\*\\*@127\\.0\\.0\\.1:${closed}/nowhere: .*ECONNREFUSED`)],
      [`postgres://justworks:wrong-password-1@127.0.0.1:${pg.port}/postgres`, /could not connect to the database postgres:\/\/(justworks:)?\*\*\*@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "justworks"/],
      [pg.url("missing_db"), /could not connect to the database postgres:\/\/(justworks:)?\*\*\*@127\.0\.0\.1:\d+\/missing_db: database "missing_db" does not exist/],
      ["postgres://justworks:s3cret-pw@/db", /could not parse the URL of the database postgres:\/\/\S*: (names no host|is not a URL)/]
    ]
    for (const [url, message] of cases) {
      const result = await runCli(["sync", "--mock", "--mock-members", "2", "--database", url])
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr.trim().split("\n").at(-1)).toMatch(message)
      for (const secret of [pg.password, "wrong-password-1", "s3cret-pw"]) expect(result.stderr + result.stdout).not.toContain(secret)
      expect(hasStackTrace(result.stderr)).toBe(false)
    }
  }, 60_000)
})
