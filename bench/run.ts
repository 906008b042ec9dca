/**
 * `npm run bench`: read throughput and peak memory of the connector against the physical limit of a Node
 * client (raw undici + JSON.parse), on a fast fixture server in its own process. Every measurement runs in
 * a fresh process; scenarios alternate order between runs. Prints a table and writes bench/results.json.
 *
 * Flags: --quick (10k members and the fan-out, one run each: a smoke check), --sizes=10000,100000,
 * --runs=N (every size), --only=members|paystubs, --no-write (do not write results.json).
 */
import { execFileSync, spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { memberBytes } from "./fixtureData.js"
import { type FixtureOptions, projectRoot, startFixtureServer } from "./fixtureServer.js"
import { type Measurement, measureInChild, median } from "./measure.js"
import type { ScenarioName } from "./scenarios.js"
import { cliFile, ensureBuilt } from "../test-support/cliHarness.js"

const TARGETS = { readRatio: 0.85, fanOutRatio: 0.8, memoryFlatness: 1.5, specColdStartMs: 400 }
const FAN_OUT = { payrolls: 1_000, paystubs: 20 }

interface Plan {
  readonly group: "members" | "paystubs"
  readonly size: number
  readonly runs: number
  readonly fixture: FixtureOptions
  readonly expected: number
  readonly scenarios: ReadonlyArray<ScenarioName>
}

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

const quick = flag("quick")
const sizes = (option("sizes") ?? (quick ? "10000" : "10000,100000,1000000")).split(",").map(Number)
/**
 * 9 runs of the short reads (10k members, the fan-out: under a second each, where a shared machine's noise
 * weighs most), 5 at 100k, 2 at a million members (a run of its scenarios takes ~1 min: keeps the bench near
 * 10 min)
 */
const runsFor = (size: number) => Number(option("runs") ?? (quick ? 1 : size >= 1_000_000 ? 2 : size > 20_000 ? 5 : 9))
const only = option("only")

const plans: Array<Plan> = [
  ...(only === "paystubs" ? [] : sizes.map((size): Plan => ({
    group: "members",
    size,
    runs: runsFor(size),
    fixture: { members: size, ...FAN_OUT },
    expected: size,
    scenarios: [
      "baseline:members", "connector:members", "connector+validation:members", "cli:members",
      // the warm reads and the Effect reference where a read is short enough for the cold start to weigh
      ...(size < 1_000_000 ? ["baseline:members:warm", "connector+validation:members:warm", "effect:members"] as const : [])
    ]
  }))),
  ...(only === "members" ? [] : [{
    group: "paystubs" as const,
    size: FAN_OUT.payrolls * FAN_OUT.paystubs,
    runs: runsFor(FAN_OUT.payrolls * FAN_OUT.paystubs),
    fixture: { members: 0, ...FAN_OUT },
    expected: FAN_OUT.payrolls * FAN_OUT.paystubs,
    scenarios: [
      "baseline:paystubs", "connector:paystubs", "connector+validation:paystubs", "baseline:paystubs:warm", "connector+validation:paystubs:warm",
      "effect:paystubs"
    ] as Array<ScenarioName>
  }])
]

/** 30 days ago: one 90-day window of `payrolls` covers it. */
const startDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)

interface Cell {
  readonly scenario: ScenarioName
  readonly group: Plan["group"]
  readonly size: number
  readonly runs: Array<Measurement>
  error?: string
}

const log = (line: string) => process.stderr.write(`${line}\n`)

const measureAll = async (): Promise<Array<Cell>> => {
  const cells: Array<Cell> = []
  for (const plan of plans) {
    const fixture = await startFixtureServer(plan.fixture)
    try {
      const planCells = plan.scenarios.map((scenario): Cell => ({ scenario, group: plan.group, size: plan.size, runs: [] }))
      cells.push(...planCells)
      for (let run = 0; run < plan.runs; run++) {
        // rotate the order so that no scenario always runs first (or last) on a noisy machine
        const order = planCells.map((_, i) => planCells[(i + run) % planCells.length]!)
        for (const cell of order) {
          if (cell.error !== undefined) continue
          try {
            const m = await measureInChild({ scenario: cell.scenario, url: fixture.url, startDate })
            if (m.records !== plan.expected) throw new Error(`read ${m.records} records, expected ${plan.expected}`)
            cell.runs.push(m)
            log(`${cell.scenario} ${plan.size} run ${run + 1}/${plan.runs}: ${m.ms.toFixed(0)} ms, peak RSS ${(m.maxRssKb / 1024).toFixed(0)} MiB`)
          } catch (error) {
            cell.error = (error instanceof Error ? error.message : String(error)).split("\n")[0]!
            log(`${cell.scenario} ${plan.size}: FAILED ${cell.error}`)
          }
        }
      }
    } finally {
      await fixture.stop()
    }
  }
  return cells
}

/** `justworks-connector spec` from spawn to exit, in a fresh process each time (the CLI's cold start). */
const specColdStart = async (runs: number): Promise<Array<number>> => {
  const times: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [cliFile, "spec"], { stdio: ["ignore", "ignore", "inherit"] })
      child.once("error", reject)
      child.once("exit", resolve)
    })
    if (code !== 0) throw new Error(`justworks-connector spec exited with ${code}`)
    times.push(performance.now() - start)
  }
  return times
}

const summarize = (cell: Cell) => {
  if (cell.runs.length === 0) return undefined
  const ms = cell.runs.map((r) => r.ms)
  const medianMs = median(ms)
  return {
    runs: cell.runs.length,
    medianMs,
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    recordsPerSecond: cell.runs[0]!.records / (medianMs / 1000),
    /** CPU time (user + system) of the measuring process during the read; for the CLI, the counting parent's */
    cpuMs: median(cell.runs.map((r) => r.cpuMs)),
    peakRssMiB: median(cell.runs.map((r) => r.maxRssKb)) / 1024,
    peakRssMaxMiB: Math.max(...cell.runs.map((r) => r.maxRssKb)) / 1024,
    startRssMiB: median(cell.runs.map((r) => r.startRssKb)) / 1024,
    setupMs: median(cell.runs.map((r) => r.setupMs))
  }
}

const gitCommit = (): string | undefined => {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

const versionOf = (pkg: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(join(projectRoot, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version
  } catch {
    return undefined
  }
}

const main = async () => {
  const began = Date.now()
  const loadBefore = os.loadavg()
  log(`bench: ${plans.map((p) => `${p.group} ${p.size} ×${p.runs}`).join(", ")}; member ≈ ${memberBytes()} bytes`)
  await ensureBuilt()
  const cells = await measureAll()
  const specTimes = await specColdStart(quick ? 3 : 10)
  log(`cli:spec cold start: ${specTimes.map((t) => t.toFixed(0)).join(", ")} ms`)
  const wallSeconds = (Date.now() - began) / 1000

  const rows = cells.map((cell) => ({ cell, summary: summarize(cell) }))
  const find = (scenario: ScenarioName, size: number) => rows.find((r) => r.cell.scenario === scenario && r.cell.size === size)
  const baselineOf = (cell: Cell): ScenarioName => {
    const base = cell.group === "members" ? "baseline:members" : "baseline:paystubs"
    return cell.scenario.endsWith(":warm") ? `${base}:warm` as ScenarioName : base
  }

  const figures = rows.map(({ cell, summary }) => {
    const base = find(baselineOf(cell), cell.size)
    const ratio = summary !== undefined && base?.summary !== undefined && cell.scenario !== baselineOf(cell)
      ? summary.recordsPerSecond / base.summary.recordsPerSecond
      : undefined
    // per-run pairs (same run index, same fixture): the spread of the ratio
    const pairs = base === undefined || cell.scenario === baselineOf(cell)
      ? []
      : cell.runs.flatMap((r, i) => (base.cell.runs[i] === undefined ? [] : [base.cell.runs[i]!.ms / r.ms]))
    return {
      scenario: cell.scenario,
      size: cell.size,
      ...(summary ?? {}),
      ...(ratio === undefined ? {} : { ratioToBaseline: ratio }),
      ...(pairs.length === 0 ? {} : { ratioMin: Math.min(...pairs), ratioMax: Math.max(...pairs) }),
      ...(cell.error === undefined ? {} : { error: cell.error }),
      runsDetail: cell.runs
    }
  })

  const memberSizes = plans.filter((p) => p.group === "members").map((p) => p.size)
  const smallest = Math.min(...memberSizes)
  const largest = Math.max(...memberSizes)
  const flatness = (scenario: ScenarioName) => {
    const lo = find(scenario, smallest)?.summary
    const hi = find(scenario, largest)?.summary
    return lo === undefined || hi === undefined || smallest === largest ? undefined : hi.peakRssMiB / lo.peakRssMiB
  }
  // the targets are judged on the connector as shipped (validation on, the library default); the figures
  // without validation show what the rest of the pipeline costs
  const ratioOf = (scenario: ScenarioName, size: number) => figures.find((f) => f.scenario === scenario && f.size === size)?.ratioToBaseline
  const readRatios = memberSizes.map((size) => ratioOf("connector+validation:members", size))
  const readRatiosNoValidation = memberSizes.map((size) => ratioOf("connector:members", size))
  const fanOutSize = FAN_OUT.payrolls * FAN_OUT.paystubs
  const fanOut = ratioOf("connector+validation:paystubs", fanOutSize)
  const targets = {
    readRatio: {
      target: `>= ${TARGETS.readRatio} at every size (connector with validation)`,
      worst: minDefined(readRatios),
      worstWithoutValidation: minDefined(readRatiosNoValidation),
      met: allAtLeast(readRatios, TARGETS.readRatio)
    },
    fanOutRatio: {
      target: `>= ${TARGETS.fanOutRatio} (connector with validation)`,
      value: fanOut,
      withoutValidation: ratioOf("connector:paystubs", fanOutSize),
      met: mapDefined(fanOut, (v) => v >= TARGETS.fanOutRatio)
    },
    warm: {
      target: "reported (second read in one process, against the baseline's second read)",
      readWorst: minDefined(memberSizes.map((size) => ratioOf("connector+validation:members:warm", size))),
      fanOut: ratioOf("connector+validation:paystubs:warm", fanOutSize)
    },
    effectReference: {
      target: "reported (the smallest read written with Effect: the connector's transport, Stream.paginateChunkEffect, JSON.parse)",
      readWorst: minDefined(memberSizes.map((size) => ratioOf("effect:members", size))),
      fanOut: ratioOf("effect:paystubs", fanOutSize)
    },
    cliReadRatio: {
      target: "reported (the CLI's read, a fresh process per read, records counted from its stdout)",
      worst: minDefined(memberSizes.map((size) => ratioOf("cli:members", size)))
    },
    specColdStart: {
      target: `< ${TARGETS.specColdStartMs} ms (median)`,
      medianMs: median(specTimes),
      minMs: Math.min(...specTimes),
      maxMs: Math.max(...specTimes),
      runs: specTimes.length,
      met: median(specTimes) < TARGETS.specColdStartMs
    },
    memoryFlatness: {
      target: `<= ${TARGETS.memoryFlatness} (peak RSS ${largest} / ${smallest}, connector with validation)`,
      value: flatness("connector+validation:members"),
      withoutValidation: flatness("connector:members"),
      baseline: flatness("baseline:members"),
      met: mapDefined(flatness("connector+validation:members"), (v) => v <= TARGETS.memoryFlatness)
    }
  }

  printTable(figures)
  const t = targets
  console.log("")
  console.log(`read:    ${fmt(t.readRatio.worst, 2)}× baseline at the worst size (${fmt(t.readRatio.worstWithoutValidation, 2)}× without validation); target ${t.readRatio.target} → ${verdict(t.readRatio.met)}`)
  console.log(`fan-out: ${fmt(t.fanOutRatio.value, 2)}× baseline (${fmt(t.fanOutRatio.withoutValidation, 2)}× without validation); target ${t.fanOutRatio.target} → ${verdict(t.fanOutRatio.met)}`)
  console.log(`warm:    read ${fmt(t.warm.readWorst, 2)}× baseline at the worst size measured warm, fan-out ${fmt(t.warm.fanOut, 2)}× (second read in one process)`)
  console.log(`effect:  the smallest Effect read ${fmt(t.effectReference.readWorst, 2)}× baseline at the worst size measured, fan-out ${fmt(t.effectReference.fanOut, 2)}× (reference)`)
  console.log(`cli:     read ${fmt(t.cliReadRatio.worst, 2)}× baseline at the worst size; spec cold start ${t.specColdStart.medianMs.toFixed(0)} ms median (${t.specColdStart.minMs.toFixed(0)}–${t.specColdStart.maxMs.toFixed(0)}, ${t.specColdStart.runs} runs); target ${t.specColdStart.target} → ${verdict(t.specColdStart.met)}`)
  console.log(`memory:  ${fmt(t.memoryFlatness.value, 2)}× (${fmt(t.memoryFlatness.withoutValidation, 2)}× without validation, baseline ${fmt(t.memoryFlatness.baseline, 2)}×); target ${t.memoryFlatness.target} → ${verdict(t.memoryFlatness.met)}`)
  console.log(`wall time ${wallSeconds.toFixed(0)} s; load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} after`)

  if (!flag("no-write")) {
    const results = {
      date: new Date(began).toISOString(),
      node: process.version,
      machine: {
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg()
      },
      versions: { effect: versionOf("effect"), "@effect/platform-node": versionOf("@effect/platform-node"), undici: versionOf("undici") },
      commit: gitCommit(),
      wallSeconds,
      setup: {
        fixture: "bench/fixtureServer.ts in a child process; 100 members a page",
        memberBytes: memberBytes(),
        fanOut: `${FAN_OUT.payrolls} payrolls (one date window from ${startDate}), ${FAN_OUT.paystubs} paystubs each`,
        measurement: "one fresh process per run (node --import tsx); setup untimed; peak RSS = process.resourceUsage().maxRSS",
        ratio: "records/s of the median connector run over records/s of the median baseline run, same invocation"
      },
      targets,
      figures
    }
    writeFileSync(join(projectRoot, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`)
    log("wrote bench/results.json")
  }
}

const minDefined = (xs: ReadonlyArray<number | undefined>) => {
  const ds = xs.filter((x): x is number => x !== undefined)
  return ds.length === 0 ? undefined : Math.min(...ds)
}
const allAtLeast = (xs: ReadonlyArray<number | undefined>, min: number) =>
  xs.some((x) => x === undefined) || xs.length === 0 ? undefined : xs.every((x) => x! >= min)
const mapDefined = <A, B>(a: A | undefined, f: (a: A) => B): B | undefined => (a === undefined ? undefined : f(a))
const fmt = (x: number | undefined, digits: number) => (x === undefined ? "n/a" : x.toFixed(digits))
const verdict = (met: boolean | undefined) => (met === undefined ? "n/a" : met ? "MET" : "NOT MET")

const printTable = (figures: ReadonlyArray<{
  scenario: string
  size: number
  runs?: number
  medianMs?: number
  minMs?: number
  maxMs?: number
  recordsPerSecond?: number
  peakRssMiB?: number
  startRssMiB?: number
  ratioToBaseline?: number
  ratioMin?: number
  ratioMax?: number
  error?: string
}>) => {
  const header = ["scenario", "records", "runs", "median ms", "min–max ms", "records/s", "× baseline (pairs)", "peak RSS MiB (at start)"]
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
        f.ratioToBaseline === undefined ? "" : `${f.ratioToBaseline.toFixed(2)} (${f.ratioMin!.toFixed(2)}–${f.ratioMax!.toFixed(2)})`,
        `${f.peakRssMiB!.toFixed(0)} (${f.startRssMiB!.toFixed(0)})`
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
