/**
 * One measurement, in a fresh process: prepare the scenario (untimed), time the read, report records,
 * milliseconds and the process's peak RSS to the parent over IPC (or print them when run by hand:
 * `npx tsx bench/measure.ts '{"scenario":"connector:members","url":"http://127.0.0.1:PORT","startDate":"2025-01-01"}'`).
 */
import { fork } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"
import { loaderArgs, projectRoot } from "./fixtureServer.js"
import { isScenarioName, type Prepared, type ScenarioContext, type ScenarioName, scenarios } from "./scenarios.js"

export interface MeasureRequest extends ScenarioContext {
  readonly scenario: ScenarioName
}

export interface Measurement {
  readonly records: number
  readonly ms: number
  /** untimed setup (layers, manifest, schemas) */
  readonly setupMs: number
  /** `process.resourceUsage().maxRSS` of the measuring process, KiB */
  readonly maxRssKb: number
  /** RSS when the timed read started (modules loaded, layers built), KiB */
  readonly startRssKb: number
  /** CPU time (user + system) of the measuring process during the timed read, ms: steadier than `ms` on a busy machine */
  readonly cpuMs: number
  /** the timed read on the monotonic clock (µs), to cut a CPU profile to it */
  readonly monotonicUs: readonly [number, number]
}

/** The median of some figures (of an even count, the mean of the middle two). */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** One timed read of a prepared scenario, in this process (`setupStart`: when its untimed setup began). */
export const timedRead = async (prepared: Prepared, setupStart: number): Promise<Measurement> => {
  const startRssKb = Math.round(process.memoryUsage().rss / 1024)
  const startUs = Number(process.hrtime.bigint() / 1000n)
  const start = performance.now()
  const setupMs = start - setupStart
  const cpuStart = process.cpuUsage()
  const result = await prepared.run()
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const endUs = Number(process.hrtime.bigint() / 1000n)
  const records = typeof result === "number" ? result : result.records
  // a scenario reading in another process (the CLI) reports that process's peak
  const maxRssKb = typeof result === "number" ? process.resourceUsage().maxRSS : result.peakRssKb
  return { records, ms, setupMs, cpuMs, maxRssKb, startRssKb, monotonicUs: [startUs, endUs] }
}

const measure = async (request: MeasureRequest): Promise<Measurement> => {
  const setupStart = performance.now()
  const prepared = await scenarios[request.scenario](request)
  const measurement = await timedRead(prepared, setupStart)
  await prepared.dispose()
  return measurement
}

/** Run one measurement in a child process; `execArgv` adds node flags (e.g. `--cpu-prof`). */
export const measureInChild = (request: MeasureRequest, execArgv: ReadonlyArray<string> = []): Promise<Measurement> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(request)], {
      cwd: projectRoot,
      execArgv: [...execArgv, ...loaderArgs],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let result: Measurement | undefined
    let failure: string | undefined
    child.on("message", (message) => {
      const m = message as { ok: true; measurement: Measurement } | { ok: false; error: string }
      if (m.ok) result = m.measurement
      else failure = m.error
    })
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      if (result !== undefined) resolve(result)
      else reject(new Error(`${request.scenario}: ${failure ?? `the measuring process exited (${code ?? signal})`}`))
    })
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const request = JSON.parse(process.argv[2] ?? "{}") as MeasureRequest
  const report = (message: unknown) =>
    process.send === undefined
      ? Promise.resolve(console.log(JSON.stringify(message)))
      : new Promise<void>((done) => process.send!(message, () => done()))
  const main = isScenarioName(request.scenario)
    ? measure(request).then((measurement) => report({ ok: true, measurement }))
    : Promise.reject(new Error(`unknown scenario ${String(request.scenario)}`))
  main.then(
    () => process.exit(0),
    (error: unknown) =>
      report({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) })
        .finally(() => process.exit(1))
  )
}
