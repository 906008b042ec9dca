/**
 * What the bench measures, one function per scenario. `prepare` does the untimed setup (layers, manifest,
 * schemas, dispatcher) and returns the timed read, which resolves to the number of records read.
 */
import { Chunk, Duration, Effect, ManagedRuntime, Option, Redacted, Stream } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Agent } from "undici"
import { pathToFileURL } from "node:url"
import { cliFile, libraryFile } from "../test-support/builtCli.js"
import { HttpTransport, Justworks, type StreamName } from "../src/index.js"
import { loadProjectConnector } from "../test-support/projectManifest.js"
import { connectorLayer } from "./connector.js"
import { watchPeakRss } from "./peakRss.js"

export interface ScenarioContext {
  /** the fixture server's base URL */
  readonly url: string
  /** first day of the date-windowed streams: chosen so that one window covers it */
  readonly startDate: string
}

export interface Prepared {
  /** the records read; a scenario that reads in another process also gives that process's peak RSS */
  readonly run: () => Promise<number | { readonly records: number; readonly peakRssKb: number }>
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

/**
 * The connector as a library: `Justworks.stream(name)` (the stream reader's records) through the real layers,
 * counting records. `warm`: the same read once more in the same process, untimed first — the steady state of a
 * platform that keeps the library loaded (validators compiled, the runtime's code optimised).
 */
const connector = (stream: StreamName, validate: boolean, warm = false): Scenario => async ({ url, startDate }) => {
  const runtime = ManagedRuntime.make(connectorLayer({ baseUrl: url, validate }))
  const justworks = await runtime.runPromise(Justworks)
  const read = () => runtime.runPromise(Stream.runCount(justworks.stream(stream, { startDate })))
  if (warm) await read()
  return { run: read, dispose: () => runtime.dispose() }
}

/**
 * The smallest read written with Effect, for reference: the connector's transport (`HttpTransport.layerUndici`)
 * and `Stream.paginateChunkEffect`, each page `JSON.parse`d; no token, status classification, retry, record
 * check or checkpoint. What the connector costs over the baseline that this does not is the connector's own.
 */
const effectMembers: Scenario = async ({ url }) => {
  const runtime = ManagedRuntime.make(HttpTransport.layerUndici)
  const get = effectGet(await runtime.runPromise(HttpTransport), url)
  const read = Stream.runCount(Stream.mapConcat(
    Stream.paginateChunkEffect(null as string | null, (cursor) =>
      Effect.map(get(withCursor("/v1/members?limit=100", cursor)), (page) => [Chunk.of(page.items), Option.fromNullable(page.next_cursor)] as const)),
    (items) => items
  ))
  return { run: () => runtime.runPromise(read), dispose: () => runtime.dispose() }
}

/**
 * The fan-out written the same way, for reference: payroll pages as a stream, read ahead as the connector does
 * (`Stream.buffer`); each page's payrolls read by `concurrency` worker fibers taking the next payroll until none
 * is left, each payroll's paystub pages in turn (the connector's pool goes on across pages and passes records on
 * in order as they are ready; this one counts them at each page's end).
 */
const effectPaystubs = (concurrency: number): Scenario => async ({ url, startDate }) => {
  const runtime = ManagedRuntime.make(HttpTransport.layerUndici)
  const get = effectGet(await runtime.runPromise(HttpTransport), url)
  const endDate = new Date().toISOString().slice(0, 10)
  const paystubs = (id: string, cursor: string | null = null): Effect.Effect<number, unknown> =>
    Effect.flatMap(get(withCursor(`/v1/payrolls/${encodeURIComponent(id)}/paystubs?limit=100`, cursor)), (page) =>
      page.next_cursor === null ? Effect.succeed(page.items.length) : Effect.map(paystubs(id, page.next_cursor), (n) => n + page.items.length))
  const inWorkers = (payrolls: Page["items"]) =>
    Effect.suspend(() => {
      let next = 0
      let records = 0
      const worker: Effect.Effect<void, unknown> = Effect.suspend(() =>
        next >= payrolls.length ? Effect.void : Effect.flatMap(paystubs(String(payrolls[next++]!["id"])), (n) => {
          records += n
          return worker
        }))
      return Effect.map(Effect.all(Array.from({ length: Math.min(concurrency, payrolls.length) }, () => worker), { concurrency: "unbounded", discard: true }), () => records)
    })
  const read = Stream.runSum(Stream.mapEffect(
    Stream.paginateChunkEffect(null as string | null, (cursor) =>
      Effect.map(
        get(withCursor(`/v1/payrolls?start_date=${startDate}&end_date=${endDate}&limit=100`, cursor)),
        (page) => [Chunk.of(page.items), Option.fromNullable(page.next_cursor)] as const
      )).pipe(Stream.buffer({ capacity: 1 })),
    inWorkers
  ))
  return { run: () => runtime.runPromise(read), dispose: () => runtime.dispose() }
}

const timeout = Duration.seconds(30)

const effectGet = (transport: HttpTransport["Type"], url: string) => (path: string) =>
  Effect.flatMap(transport.send({ method: "GET", url: url + path, headers, timeout }), (response) =>
    response.status === 200
      ? Effect.succeed(JSON.parse(response.text) as Page)
      : Effect.fail(new Error(`GET ${path}: HTTP ${response.status} ${response.text.slice(0, 200)}`)))

/** Raw undici, warm: the same loop once more in the same process, untimed first. */
const warmed = (scenario: Scenario): Scenario => async (ctx) => {
  const prepared = await scenario(ctx)
  await prepared.run()
  return prepared
}

const RECORD = Buffer.from('{"type":"RECORD"')

/**
 * The command line: `justworks-connector read` of the members stream in a fresh process, stdout piped to this
 * process and its RECORD lines counted as they arrive (the cheapest consumer of the Airbyte output).
 */
const cliMembers: Scenario = async ({ url }) => {
  const dir = mkdtempSync(join(tmpdir(), "justworks-bench-cli-"))
  const config = join(dir, "config.json")
  const catalog = join(dir, "catalog.json")
  writeFileSync(config, JSON.stringify({
    client_id: "bench", client_secret: "bench", access_token: "bench-access-token", refresh_token: "bench-refresh-token", base_url: url
  }))
  writeFileSync(catalog, JSON.stringify({
    streams: [{
      stream: { name: "members", json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
      sync_mode: "full_refresh",
      destination_sync_mode: "overwrite"
    }]
  }))
  return {
    run: () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cliFile, "read", "--config", config, "--catalog", catalog], { stdio: ["ignore", "pipe", "pipe"] })
        const rss = watchPeakRss(child.pid!, 20)
        let records = 0
        let tail: Buffer = Buffer.alloc(0)
        child.stdout.on("data", (chunk: Buffer) => {
          const data = tail.length === 0 ? chunk : Buffer.concat([tail, chunk])
          for (let at = data.indexOf(RECORD); at >= 0; at = data.indexOf(RECORD, at + RECORD.length)) records++
          tail = data.subarray(Math.max(0, data.length - RECORD.length + 1))
        })
        let stderr = ""
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
        child.once("error", reject)
        child.once("close", (code) => {
          const peakRssKb = rss.stop()
          if (code === 0) resolve({ records, peakRssKb })
          else reject(new Error(`the CLI exited with ${code}: ${stderr.slice(0, 300)}`))
        })
      }),
    dispose: async () => rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The compiled package as a user installs it (`dist/lib`, `npm run build`): `Justworks.stream(name)` with the
 * library's defaults (validation `warn`), counting records. Built the way `connector.ts` builds the layer from
 * the sources.
 */
const library = (stream: StreamName): Scenario => async ({ url, startDate }) => {
  const lib = (await import(pathToFileURL(libraryFile).href)) as typeof import("../src/index.js")
  const runtime = ManagedRuntime.make(lib.Justworks.layer({
    clientId: "bench",
    clientSecret: Redacted.make("bench"),
    connectionId: "bench",
    baseUrl: url,
    tokens: {
      accessToken: Redacted.make("bench-access-token"),
      refreshToken: Redacted.make("bench-refresh-token"),
      expiresAt: new Date(Date.now() + 86_400_000)
    }
  }))
  const justworks = await runtime.runPromise(lib.Justworks)
  return {
    run: () => runtime.runPromise(Stream.runCount(justworks.stream(stream, { startDate }))),
    dispose: () => runtime.dispose()
  }
}

/** The manifest's substream concurrency, which the raw fan-out uses too. */
export const substreamConcurrency = (): number => loadProjectConnector().concurrency.substreams

export const scenarios = {
  "baseline:members": baselineMembers,
  "baseline:members:warm": warmed(baselineMembers),
  "connector+validation:members:warm": connector("members", true, true),
  "effect:members": effectMembers,
  "connector:members": connector("members", false),
  "connector+validation:members": connector("members", true),
  "cli:members": cliMembers,
  "baseline:paystubs": (ctx: ScenarioContext) => baselinePaystubs(substreamConcurrency())(ctx),
  "effect:paystubs": (ctx: ScenarioContext) => effectPaystubs(substreamConcurrency())(ctx),
  "connector:paystubs": connector("paystubs", false),
  "connector+validation:paystubs": connector("paystubs", true),
  "baseline:paystubs:warm": (ctx: ScenarioContext) => warmed(baselinePaystubs(substreamConcurrency()))(ctx),
  "connector+validation:paystubs:warm": connector("paystubs", true, true),
  "library:members": library("members"),
  "library:paystubs": library("paystubs")
} satisfies Record<string, Scenario>

export type ScenarioName = keyof typeof scenarios

export const isScenarioName = (name: string): name is ScenarioName => Object.hasOwn(scenarios, name)
