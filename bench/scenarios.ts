/**
 * What the bench measures, one function per scenario. `prepare` does the untimed setup (layers, manifest,
 * schemas, dispatcher) and returns the timed read, which resolves to the number of records read.
 *
 * A future CLI figure is one more entry here (e.g. spawn `justworks read members` against `ctx.url` and
 * count output lines), timed the same way by `measure.ts`.
 */
import { ManagedRuntime, Stream } from "effect"
import { Agent } from "undici"
import { Justworks, type StreamName } from "../src/index.js"
import { loadProjectManifest } from "../src/manifest/testing.js"
import { connectorLayer } from "./connector.js"

export interface ScenarioContext {
  /** the fixture server's base URL */
  readonly url: string
  /** first day of the date-windowed streams: chosen so that one window covers it */
  readonly startDate: string
}

export interface Prepared {
  readonly run: () => Promise<number>
  readonly dispose: () => Promise<void>
}

export type Scenario = (ctx: ScenarioContext) => Promise<Prepared>

const headers = { authorization: "Bearer bench", accept: "application/json" }

interface Page {
  readonly items: ReadonlyArray<Record<string, unknown>>
  readonly next_cursor: string | null
}

const getJson = async (agent: Agent, origin: string, path: string): Promise<Page> => {
  const { statusCode, body } = await agent.request({ origin, path, method: "GET", headers })
  const text = await body.text()
  if (statusCode !== 200) throw new Error(`GET ${path}: HTTP ${statusCode} ${text.slice(0, 200)}`)
  return JSON.parse(text) as Page
}

const withCursor = (path: string, cursor: string | null) =>
  cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`

/** Raw undici: keep-alive Agent, page through members, JSON.parse each page. */
const baselineMembers: Scenario = async ({ url }) => {
  const agent = new Agent()
  return {
    run: async () => {
      let records = 0
      let cursor: string | null = null
      do {
        const page: Page = await getJson(agent, url, withCursor("/v1/members?limit=100", cursor))
        records += page.items.length
        cursor = page.next_cursor
      } while (cursor !== null)
      return records
    },
    dispose: () => agent.close()
  }
}

/** Raw undici fan-out: page through payrolls; `concurrency` workers read each payroll's paystub pages. */
const baselinePaystubs = (concurrency: number): Scenario => async ({ url, startDate }) => {
  const agent = new Agent()
  const endDate = new Date().toISOString().slice(0, 10)
  async function* payrollIds() {
    let cursor: string | null = null
    do {
      const page: Page = await getJson(
        agent,
        url,
        withCursor(`/v1/payrolls?start_date=${startDate}&end_date=${endDate}&limit=100`, cursor)
      )
      for (const payroll of page.items) yield String(payroll["id"])
      cursor = page.next_cursor
    } while (cursor !== null)
  }
  return {
    run: async () => {
      const ids = payrollIds()
      let records = 0
      const worker = async () => {
        for (let next = await ids.next(); next.done !== true; next = await ids.next()) {
          let cursor: string | null = null
          do {
            const page: Page = await getJson(
              agent,
              url,
              withCursor(`/v1/payrolls/${encodeURIComponent(next.value)}/paystubs?limit=100`, cursor)
            )
            records += page.items.length
            cursor = page.next_cursor
          } while (cursor !== null)
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
      return records
    },
    dispose: () => agent.close()
  }
}

/** The connector as a library: `Justworks.stream(name)` (the stream reader's records) through the real layers, counting records. */
const connector = (stream: StreamName, validate: boolean): Scenario => async ({ url, startDate }) => {
  const runtime = ManagedRuntime.make(connectorLayer({ baseUrl: url, validate }))
  const justworks = await runtime.runPromise(Justworks)
  return {
    run: () => runtime.runPromise(Stream.runCount(justworks.stream(stream, { startDate }))),
    dispose: () => runtime.dispose()
  }
}

/** The manifest's substream concurrency, which the raw fan-out uses too. */
export const substreamConcurrency = (): number => loadProjectManifest().manifest.defaults.concurrency.substreams

export const scenarios = {
  "baseline:members": baselineMembers,
  "connector:members": connector("members", false),
  "connector+validation:members": connector("members", true),
  "baseline:paystubs": (ctx: ScenarioContext) => baselinePaystubs(substreamConcurrency())(ctx),
  "connector:paystubs": connector("paystubs", false),
  "connector+validation:paystubs": connector("paystubs", true)
} satisfies Record<string, Scenario>

export type ScenarioName = keyof typeof scenarios

export const isScenarioName = (name: string): name is ScenarioName => Object.hasOwn(scenarios, name)
