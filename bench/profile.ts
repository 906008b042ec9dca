/**
 * CPU profile of one scenario's timed read, in a fresh process:
 * `npx tsx bench/profile.ts connector:members 100000 [top] [package]` (or `connector:paystubs 0`); with a package
 * (`effect`, `undici`, `src`, `node`, …), also the top frames of that package alone.
 *
 * tsx squeezes each module onto one line, which makes profile positions useless, so the project (src/ and
 * bench/) is first compiled file by file with esbuild (tsx's own dependency) into a temp dir that links
 * node_modules, connector.yaml and schemas; the measurement runs there with plain node. Prints the top
 * frames by self time, self time per file, and the inclusive time of the project's own functions, each with
 * the line of compiled code it points at. The .cpuprofile is kept in the temp dir.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"
import { projectRoot } from "./fixtureServer.js"
import type { Measurement, MeasureRequest } from "./measure.js"
import { isScenarioName } from "./scenarios.js"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
    readonly columnNumber: number
  }
  readonly children?: ReadonlyArray<number>
}

interface CpuProfile {
  readonly startTime: number
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const [scenario = "connector:members", sizeArg = "100000", topArg = "30", focus] = process.argv.slice(2)
if (!isScenarioName(scenario)) throw new Error(`unknown scenario ${scenario}`)
const size = Number(sizeArg)
const top = Number(topArg)
const work = mkdtempSync(join(tmpdir(), "justworks-bench-profile-"))
const out = join(work, "project")
const profiles = join(work, "profiles")
const startDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)

const tsFiles = (dir: string): Array<string> =>
  readdirSync(join(projectRoot, dir), { withFileTypes: true, recursive: true })
    // the peer's installed packages (bench/peer/node_modules) are not the project's
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name))

await build({
  entryPoints: [...tsFiles("src"), ...tsFiles("bench"), ...tsFiles("mocks"), ...tsFiles("test-support")],
  outdir: out,
  outbase: projectRoot,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning"
})
writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }))
for (const link of ["node_modules", "connector.yaml", "schemas"]) symlinkSync(join(projectRoot, link), join(out, link))
mkdirSync(profiles)

const compiled = async <A>(file: string): Promise<A> => (await import(pathToFileURL(join(out, "bench", file)).href)) as A
const { startFixtureServer } = await compiled<typeof import("./fixtureServer.js")>("fixtureServer.js")
const { measureInChild } = await compiled<{
  measureInChild: (request: MeasureRequest, execArgv?: ReadonlyArray<string>) => Promise<Measurement>
}>("measure.js")

const fixture = await startFixtureServer({ members: size, payrolls: 1_000, paystubs: 20 })
let window: readonly [number, number] = [0, Number.MAX_SAFE_INTEGER]
try {
  const m = await measureInChild({ scenario, url: fixture.url, startDate }, ["--cpu-prof", `--cpu-prof-dir=${profiles}`])
  window = m.monotonicUs
  console.log(`${scenario} ${size}: ${m.records} records in ${m.ms.toFixed(0)} ms (profiled, compiled with esbuild)`)
} finally {
  await fixture.stop()
}

// the main thread's profile: CPU.<date>.<time>.<pid>.<thread id 0>.<seq>.cpuprofile
const file = readdirSync(profiles).find((f) => /\.0\.\d+\.cpuprofile$/.test(f))
if (file === undefined) throw new Error(`no main-thread profile written in ${profiles}`)
const profile = JSON.parse(readFileSync(join(profiles, file), "utf8")) as CpuProfile

const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const nodes = new Map(profile.nodes.map((n) => [n.id, n]))

const lines = new Map<string, Array<string>>()
const codeAt = (url: string, line: number, column: number): string => {
  if (!url.startsWith("file://")) return ""
  const path = fileURLToPath(url)
  if (!path.startsWith(out) || path.includes("/node_modules/")) return ""
  if (!lines.has(path)) lines.set(path, readFileSync(path, "utf8").split("\n"))
  const text = lines.get(path)![line] ?? ""
  return text.slice(Math.max(0, column - 20), column + 70).trim()
}
const shortUrl = (url: string) => {
  if (!url.startsWith("file://")) return url
  const path = fileURLToPath(url)
  return path.includes("/node_modules/") ? path.replace(/^.*\/node_modules\//, "~/") : relative(out, path)
}
const frameOf = (node: ProfileNode) => {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame
  const where = url === "" ? "(native)" : `${shortUrl(url)}:${lineNumber + 1}:${columnNumber + 1}`
  return `${functionName || "(anonymous)"} ${where}`
}
const isProject = (node: ProfileNode) => {
  const url = node.callFrame.url
  return url.startsWith("file://") && fileURLToPath(url).startsWith(out) && !url.includes("/node_modules/") &&
    !url.includes("/bench/")
}

/** Where a frame's code comes from: a dependency (`effect`, `undici`), the project's `src`/`bench`, Node, or native. */
const packageOf = (source: string): string => {
  if (source.startsWith("~/")) return source.slice(2).split("/")[0]!
  if (source.startsWith("node:")) return "node"
  if (source.startsWith("src/")) return "src"
  if (source.startsWith("bench/")) return "bench"
  return source.startsWith("(") ? source : "native"
}

const self = new Map<string, number>()
/** self time of the frames of the package named by the 4th argument (`effect`, `undici`, `src`, …) */
const focused = new Map<string, number>()
const byFile = new Map<string, number>()
const byPackage = new Map<string, number>()
const inclusive = new Map<string, number>()
const snippets = new Map<string, string>()
let total = 0
let at = profile.startTime
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0
  at += delta
  if (at < window[0] || at > window[1]) return // only the timed read
  total += delta
  const node = nodes.get(id)!
  const frame = frameOf(node)
  self.set(frame, (self.get(frame) ?? 0) + delta)
  const source = node.callFrame.url === "" ? node.callFrame.functionName : shortUrl(node.callFrame.url)
  byFile.set(source, (byFile.get(source) ?? 0) + delta)
  const pkg = packageOf(source)
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta)
  if (pkg === focus) focused.set(frame, (focused.get(frame) ?? 0) + delta)
  const counted = new Set<string>()
  for (let n: ProfileNode | undefined = node; n !== undefined; n = nodes.get(parent.get(n.id) ?? -1)) {
    if (!isProject(n)) continue
    const f = frameOf(n)
    if (counted.has(f)) continue
    counted.add(f)
    inclusive.set(f, (inclusive.get(f) ?? 0) + delta)
    if (!snippets.has(f)) snippets.set(f, codeAt(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber))
  }
})

const table = (m: Map<string, number>, n: number, withCode = false) =>
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, t]) =>
      `${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}` +
      (withCode && snippets.get(k) ? `\n${" ".repeat(19)}${snippets.get(k)}` : "")
    )
    .join("\n")
console.log(`\nprofile: ${join(profiles, file)} (${(total / 1000).toFixed(0)} ms sampled in the timed read)`)
console.log(`\ntop frames by self time:\n${table(self, top)}`)
console.log(`\nself time by file:\n${table(byFile, 15)}`)
console.log(`\nself time by package:\n${table(byPackage, 10)}`)
console.log(`\nproject functions by inclusive time:\n${table(inclusive, top, true)}`)
if (focus !== undefined) console.log(`\ntop frames of ${focus} by self time:\n${table(focused, top)}`)
