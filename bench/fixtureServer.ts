/**
 * A fast fixture of the Justworks API for the bench, meant to run in its own process (`startFixtureServer`)
 * so it does not share the measured client's event loop. Any bearer token is accepted.
 *
 * - GET /v1/members?limit=100&cursor=…            `members` members, 100 a page, `updated_at` ascending
 * - GET /v1/payrolls?start_date&end_date&cursor=…  `payrolls` payrolls, 100 a page, dates ignored
 *                                                  (`pay_date` = `end_date`, so each lies in the window)
 * - GET /v1/payrolls/{id}/paystubs                 `paystubs` summaries, one page
 * - GET /_stats                                    `{requests, connections}` so far (for smoke checks)
 */
import { fork } from "node:child_process"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath, pathToFileURL } from "node:url"
import { membersPage, PAGE_SIZE, payrollsPage, paystubsPage } from "./fixtureData.js"

export interface FixtureOptions {
  readonly members: number
  readonly payrolls: number
  readonly paystubs: number
}

export const projectRoot = fileURLToPath(new URL("..", import.meta.url))

/** Node flags a child needs to run this file: tsx for the TypeScript sources, none for a compiled copy. */
export const loaderArgs: ReadonlyArray<string> = import.meta.url.endsWith(".ts") ? ["--import", "tsx"] : []

const pageOf = (cursor: string | null): number | undefined => {
  if (cursor === null || cursor === "") return 0
  const page = /^p(\d+)$/.exec(cursor)
  return page === null ? undefined : Number(page[1])
}

const serve = (options: FixtureOptions) => {
  let requests = 0
  let connections = 0
  const send = (res: ServerResponse, status: number, body: Buffer | string) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    res.end(body)
  }
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests++
    const url = req.url ?? "/"
    const q = url.indexOf("?")
    const path = q < 0 ? url : url.slice(0, q)
    const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1))
    if (path === "/_stats") return send(res, 200, JSON.stringify({ requests, connections }))
    if (!(req.headers.authorization ?? "").startsWith("Bearer ")) {
      return send(res, 401, `{"error":{"code":"unauthorized","message":"missing bearer token"}}`)
    }
    if (req.method !== "GET") return send(res, 405, `{"error":{"message":"method not allowed"}}`)
    const limit = query.get("limit")
    if (limit !== null && limit !== String(PAGE_SIZE)) {
      return send(res, 400, `{"error":{"message":"the fixture serves limit=${PAGE_SIZE} only"}}`)
    }
    const page = pageOf(query.get("cursor"))
    if (page === undefined) return send(res, 400, `{"error":{"message":"bad cursor"}}`)
    if (path === "/v1/members") return send(res, 200, membersPage(page, options.members))
    if (path === "/v1/payrolls") {
      const payDate = query.get("end_date") ?? new Date().toISOString().slice(0, 10)
      return send(res, 200, payrollsPage(page, options.payrolls, payDate))
    }
    const paystubs = /^\/v1\/payrolls\/([^/]+)\/paystubs$/.exec(path)
    if (paystubs !== null) return send(res, 200, paystubsPage(decodeURIComponent(paystubs[1]!), options.paystubs))
    return send(res, 404, `{"error":{"message":"not found"}}`)
  }
  const server = createServer({ keepAliveTimeout: 60_000 }, handle)
  server.on("connection", () => connections++)
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    process.send?.({ port })
  })
}

export interface RunningFixture {
  readonly url: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

/** Start the fixture server in a child process (bound to 127.0.0.1, ephemeral port). */
export const startFixtureServer = (options: FixtureOptions): Promise<RunningFixture> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
      cwd: projectRoot,
      execArgv: [...loaderArgs],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    const pid = child.pid
    if (pid === undefined) return reject(new Error("the fixture server did not start"))
    // never leave it behind, even if the bench fails
    const killOnExit = () => {
      try {
        process.kill(pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
    process.on("exit", killOnExit)
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`the fixture server exited (${code}) before listening`)))
    child.once("message", (message) => {
      const { port } = message as { port: number }
      child.disconnect()
      resolve({
        url: `http://127.0.0.1:${port}`,
        pid,
        stop: async () => {
          process.off("exit", killOnExit)
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM")
          await exited
        }
      })
    })
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serve(JSON.parse(process.argv[2] ?? "{}") as FixtureOptions)
}
