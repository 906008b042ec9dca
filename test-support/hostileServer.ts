/**
 * A hostile API for tests: a server on 127.0.0.1 (free port) in front of the stateful mock that answers the
 * requests a rule claims in its own way (an echoed token, a record nested 10,000 levels, 100 MB, a body
 * trickled a byte at a time) and passes every other request to the mock unchanged.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** Answers a request itself, or returns false to pass it to the mock. */
export type HostileRule = (req: IncomingMessage, res: ServerResponse) => boolean

export interface HostileServer {
  readonly url: string
  /** the rules, tried in order; replaced between cases */
  rules: Array<HostileRule>
  readonly close: () => Promise<void>
}

/** A JSON answer. */
export const answer = (res: ServerResponse, status: number, body: unknown) => {
  const text = typeof body === "string" ? body : JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text)
}

/** A rule for one method and path (the query aside). */
export const on = (method: string, path: string, handle: (req: IncomingMessage, res: ServerResponse) => void): HostileRule => (req, res) => {
  if (req.method !== method || (req.url ?? "").split("?")[0] !== path) return false
  handle(req, res)
  return true
}

export const startHostileServer = async (target: string): Promise<HostileServer> => {
  const upstream = new URL(target)
  const server = createServer((req, res) => {
    for (const rule of self.rules) if (rule(req, res)) return
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers)
        reply.pipe(res)
      }
    )
    forwarded.on("error", () => res.destroy())
    req.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const self: HostileServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rules: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  return self
}
