/**
 * Where a read's time goes, request by request: each scenario read in fresh processes, alternately, against one
 * fixture server, with every request's send and answer timed at undici's `Agent.dispatch` (which the baseline's
 * `agent.request` and the connector's transport both go through) and the effect steps of the fiber runtime
 * counted:
 *
 *   npx tsx bench/timeline.ts <members> <runs> <scenario> [<scenario> ...]
 *   npx tsx bench/timeline.ts 10000 8 baseline:members effect:members connector+validation:members
 *
 * Medians over the runs: the whole read; when its first request left (what runs before it) and when the first
 * answer came; how long no request was out between the first request and the last answer (the client's own
 * work: for a read of one page at a time, its work between an answer and the next request), and how many were
 * out on average; the end of the read after the last answer; effect steps and fiber messages (resumptions,
 * mostly) a request (none for the baseline). Steps are counted in a second read, untimed, in the same process.
 * A scenario that reads in another process (the CLI's) cannot be followed here.
 */
import { fork } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Agent, type Dispatcher } from "undici"
import { loaderArgs, projectRoot, startFixtureServer } from "./fixtureServer.js"
import { median } from "./measure.js"
import { isScenarioName, type ScenarioName, scenarios } from "./scenarios.js"

interface Timeline {
  readonly ms: number
  readonly requests: number
  /** from the read's start to its first request */
  readonly firstRequestMs: number
  /** the first answer, from the read's start */
  readonly firstAnswerMs: number
  /** with no request out, from the first request to the last answer */
  readonly noneOutMs: number
  readonly meanInFlight: number
  /** from the last answer to the read's end */
  readonly endMs: number
  readonly stepsPerRequest: number
  readonly resumesPerRequest: number
}

interface Request {
  readonly scenario: ScenarioName
  readonly url: string
  readonly startDate: string
}

/**
 * From now on, count the effect steps and fiber messages the runtime makes while `on` (the run loop looks up the
 * method named after each step's op code on every step, so that patching it reaches fibers already running).
 */
const countSteps = async () => {
  const fiberRuntime = (await import(pathToFileURL(`${projectRoot}/node_modules/effect/dist/esm/internal/fiberRuntime.js`).href)) as {
    FiberRuntime: { prototype: Record<string, unknown> }
  }
  const proto = fiberRuntime.FiberRuntime.prototype
  const counts = { on: false, steps: 0, resumes: 0 }
  const opCodes = ["Tag", "Left", "None", "Right", "Some", "Micro", "Sync", "Success", "Failure", "WithRuntime", "Blocked", "RunBlocked",
    "UpdateRuntimeFlags", "OnSuccess", "OnStep", "OnFailure", "OnSuccessAndFailure", "Async", "Yield", "While", "Iterator", "Commit"]
  for (const op of opCodes) {
    const original = proto[op]
    if (typeof original !== "function") continue
    proto[op] = function(this: unknown, ...args: Array<unknown>) {
      if (counts.on) counts.steps++
      return original.apply(this, args)
    }
  }
  const tell = proto["tell"] as (...args: Array<unknown>) => unknown
  proto["tell"] = function(this: unknown, ...args: Array<unknown>) {
    if (counts.on) counts.resumes++
    return tell.apply(this, args)
  }
  return counts
}

/** In the child: time each request of one read, then count the steps of a second. */
const timeline = async ({ scenario, url, startDate }: Request): Promise<Timeline> => {
  const sends: Array<number> = []
  const answers: Array<number> = []
  const dispatch = Agent.prototype.dispatch
  Agent.prototype.dispatch = function(this: Agent, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    sends.push(performance.now())
    // the handler's end of a response: `onResponseEnd` (the connector's), or `onComplete` (agent.request's)
    const h = handler as Record<string, unknown>
    const end = typeof h["onResponseEnd"] === "function" ? "onResponseEnd" : "onComplete"
    const original = h[end] as (...args: Array<unknown>) => unknown
    h[end] = function(this: unknown, ...args: Array<unknown>) {
      answers.push(performance.now())
      return original.apply(this, args)
    }
    return dispatch.call(this, options, handler)
  }
  const prepared = await scenarios[scenario]({ url, startDate })
  // a scenario's setup may read (a warm one reads once, untimed)
  sends.length = 0
  answers.length = 0
  const start = performance.now()
  await prepared.run()
  const end = performance.now()
  const requests = sends.length
  if (requests === 0 || answers.length !== requests) throw new Error(`${scenario}: ${requests} requests seen, ${answers.length} answers`)
  // sweep the sends and answers in time order (each list is), from the first request to the last answer
  let out = 0
  let noneOutMs = 0
  let area = 0
  let at = sends[0]!
  for (let s = 0, a = 0; s < requests || a < answers.length;) {
    const send = s < requests && (a >= answers.length || sends[s]! <= answers[a]!)
    const t = send ? sends[s++]! : answers[a++]!
    if (out === 0) noneOutMs += t - at
    area += out * (t - at)
    at = t
    out += send ? 1 : -1
  }
  const counts = await countSteps()
  counts.on = true
  await prepared.run()
  counts.on = false
  await prepared.dispose()
  return {
    ms: end - start,
    requests,
    firstRequestMs: sends[0]! - start,
    firstAnswerMs: answers[0]! - start,
    noneOutMs,
    meanInFlight: area / (at - sends[0]!),
    endMs: end - at,
    stepsPerRequest: counts.steps / requests,
    resumesPerRequest: counts.resumes / requests
  }
}

const inChild = (request: Request): Promise<Timeline> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", JSON.stringify(request)], {
      cwd: projectRoot,
      execArgv: [...loaderArgs],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let result: Timeline | undefined
    child.on("message", (message) => (result = message as Timeline))
    child.once("error", reject)
    child.once("exit", (code) => (result === undefined ? reject(new Error(`${request.scenario}: the process exited with ${code}`)) : resolve(result)))
  })

const args = process.argv.slice(2)
if (args[0] === "--child") {
  const result = await timeline(JSON.parse(args[1]!) as Request)
  process.send!(result, () => process.exit(0))
} else {
  const [members = "10000", runs = "8", ...names] = args
  const bad = names.find((name) => !isScenarioName(name) || name.startsWith("cli:"))
  if (names.length === 0 || bad !== undefined) {
    console.error(`usage: timeline.ts <members> <runs> <scenario> ...${bad === undefined ? "" : ` (${bad}: not a scenario read in this process)`}`)
    process.exit(2)
  }
  const startDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)
  const fixture = await startFixtureServer({ members: Number(members), payrolls: 1_000, paystubs: 20 })
  const results = new Map<string, Array<Timeline>>(names.map((name) => [name, []]))
  try {
    for (let run = 0; run < Number(runs); run++) {
      for (const name of names) results.get(name)!.push(await inChild({ scenario: name as ScenarioName, url: fixture.url, startDate }))
    }
  } finally {
    await fixture.stop()
  }
  const width = Math.max(...names.map((name) => name.length))
  for (const [name, timelines] of results) {
    const m = (pick: (t: Timeline) => number, digits = 1) => median(timelines.map(pick)).toFixed(digits)
    console.log(
      `${name.padEnd(width)}  read ${m((t) => t.ms, 0)} ms, ${m((t) => t.requests, 0)} requests; first request at ${m((t) => t.firstRequestMs)} ms,` +
        ` first answer at ${m((t) => t.firstAnswerMs)}; then none out ${m((t) => t.noneOutMs, 0)} ms (${m((t) => t.noneOutMs / (t.requests - 1), 2)} a request),` +
        ` ${m((t) => t.meanInFlight)} out on average; end ${m((t) => t.endMs)} ms after the last answer;` +
        ` ${m((t) => t.stepsPerRequest)} effect steps and ${m((t) => t.resumesPerRequest)} fiber messages a request`
    )
  }
}
