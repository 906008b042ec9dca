/**
 * A/B comparison of scenarios across checkouts (e.g. a copy of the project under /tmp with a changed
 * StreamReader), measured alternately against one fixture server so that machine noise hits all alike:
 *
 *   npx tsx bench/compare.ts <members> <runs> <dir>@<scenario> [<dir>@<scenario> ...]
 *   npx tsx bench/compare.ts 300000 3 /work/main@baseline:members /work/main@connector:members /tmp/copy@connector:members
 *
 * Each <dir> must hold this bench/ (its measure.ts runs the scenario in a fresh process against <dir>/src).
 *
 * With `--warm` first, every variant is prepared in this one process and read twice untimed, then the timed
 * reads alternate: the steady state, where a change's cost per request shows without a cold start's noise
 * (CPU is this process's, the fixture server's excluded; peak RSS is not reported).
 */
import { pathToFileURL } from "node:url"
import { startFixtureServer } from "./fixtureServer.js"
import { type Measurement, type MeasureRequest, median, timedRead } from "./measure.js"
import { isScenarioName, type Prepared, type ScenarioName } from "./scenarios.js"

const args = process.argv.slice(2)
const warm = args[0] === "--warm"
const [members = "100000", runsArg = "3", ...specs] = warm ? args.slice(1) : args
if (specs.length === 0) throw new Error("usage: compare.ts [--warm] <members> <runs> <dir>@<scenario> ...")
const startDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)

interface Variant {
  readonly spec: string
  readonly scenario: ScenarioName
  readonly measure: (request: MeasureRequest) => Promise<Measurement>
  readonly ms: Array<number>
  readonly cpuMs: Array<number>
  readonly rssMiB: Array<number>
}

const variants: Array<Variant> = []
const disposers: Array<() => Promise<void>> = []
for (const spec of specs) {
  const at = spec.lastIndexOf("@")
  const dir = spec.slice(0, at)
  const scenario = spec.slice(at + 1)
  if (at < 0 || !isScenarioName(scenario)) throw new Error(`expected <dir>@<scenario>, got ${spec}`)
  const measure = warm
    ? await measureHere(dir, scenario)
    : ((await import(pathToFileURL(`${dir}/bench/measure.ts`).href)) as typeof import("./measure.js")).measureInChild
  variants.push({ spec, scenario, measure, ms: [], cpuMs: [], rssMiB: [] })
}

/** A variant read in this process (`--warm`): prepared on its first use and read twice untimed. */
async function measureHere(dir: string, scenario: ScenarioName): Promise<(request: MeasureRequest) => Promise<Measurement>> {
  const { scenarios } = (await import(pathToFileURL(`${dir}/bench/scenarios.ts`).href)) as typeof import("./scenarios.js")
  let prepared: Prepared | undefined
  return async ({ url, startDate }) => {
    const setupStart = performance.now()
    if (prepared === undefined) {
      prepared = await scenarios[scenario]({ url, startDate })
      disposers.push(prepared.dispose)
      await prepared.run()
      await prepared.run()
    }
    return timedRead(prepared, setupStart)
  }
}

const fixture = await startFixtureServer({ members: Number(members), payrolls: 1_000, paystubs: 20 })
try {
  for (let run = 0; run < Number(runsArg); run++) {
    for (const v of variants) {
      const m = await v.measure({ scenario: v.scenario, url: fixture.url, startDate })
      v.ms.push(m.ms)
      v.cpuMs.push(m.cpuMs)
      v.rssMiB.push(m.maxRssKb / 1024)
    }
  }
} finally {
  for (const dispose of disposers) await dispose()
  await fixture.stop()
}

const width = Math.max(...variants.map((v) => v.spec.length))
for (const v of variants) {
  console.log(
    `${v.spec.padEnd(width)}  median ${median(v.ms).toFixed(0).padStart(6)} ms  [${v.ms.map((x) => x.toFixed(0)).join(" ")}]` +
      `  CPU ${median(v.cpuMs).toFixed(0).padStart(6)} ms` + (warm ? "" : `  peak RSS ${median(v.rssMiB).toFixed(0)} MiB`)
  )
}
