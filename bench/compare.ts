/**
 * A/B comparison of scenarios across checkouts (e.g. a copy of the project under /tmp with a changed
 * StreamReader), measured alternately against one fixture server so that machine noise hits all alike:
 *
 *   npx tsx bench/compare.ts <members> <runs> <dir>@<scenario> [<dir>@<scenario> ...]
 *   npx tsx bench/compare.ts 300000 3 /work/main@baseline:members /work/main@connector:members /tmp/copy@connector:members
 *
 * Each <dir> must hold this bench/ (its measure.ts runs the scenario in a fresh process against <dir>/src).
 */
import { pathToFileURL } from "node:url"
import { startFixtureServer } from "./fixtureServer.js"
import type { Measurement, MeasureRequest } from "./measure.js"
import { isScenarioName, type ScenarioName } from "./scenarios.js"

const [members = "100000", runsArg = "3", ...specs] = process.argv.slice(2)
if (specs.length === 0) throw new Error("usage: compare.ts <members> <runs> <dir>@<scenario> ...")
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
for (const spec of specs) {
  const at = spec.lastIndexOf("@")
  const dir = spec.slice(0, at)
  const scenario = spec.slice(at + 1)
  if (at < 0 || !isScenarioName(scenario)) throw new Error(`expected <dir>@<scenario>, got ${spec}`)
  const { measureInChild } = (await import(pathToFileURL(`${dir}/bench/measure.ts`).href)) as typeof import("./measure.js")
  variants.push({ spec, scenario, measure: measureInChild, ms: [], cpuMs: [], rssMiB: [] })
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
  await fixture.stop()
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const width = Math.max(...variants.map((v) => v.spec.length))
for (const v of variants) {
  console.log(
    `${v.spec.padEnd(width)}  median ${median(v.ms).toFixed(0).padStart(6)} ms  [${v.ms.map((x) => x.toFixed(0)).join(" ")}]` +
      `  CPU ${median(v.cpuMs).toFixed(0).padStart(6)} ms  peak RSS ${median(v.rssMiB).toFixed(0)} MiB`
  )
}
