/** The undici transport against a local server: answers, deadlines, and interruption aborting the request. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Fiber } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpTransport } from "./HttpTransport.js"

/** A server on 127.0.0.1 (free port) for the scope's lifetime. */
const server = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; close: () => void }>((resume) => {
      const s = createServer(handler)
      s.listen(0, "127.0.0.1", () => {
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
          close: () => {
            s.closeAllConnections()
            s.close()
          }
        }))
      })
    }),
    (s) => Effect.sync(s.close)
  )

const send = (url: string, timeout = Duration.seconds(5), body?: string) =>
  Effect.flatMap(HttpTransport, (t) => t.send({ method: body === undefined ? "GET" : "POST", url, headers: { accept: "application/json" }, body, timeout }))

/** A server that never answers: `arrived` when a request comes in, `closed` when its connection closes. */
const stalledServer = Effect.gen(function*() {
  const arrived = yield* Deferred.make<void>()
  const closed = yield* Deferred.make<void>()
  const s = yield* server((_req, res) => {
    Deferred.unsafeDone(arrived, Effect.void)
    res.on("close", () => Deferred.unsafeDone(closed, Effect.void))
  })
  return { url: s.url, arrived, closed }
})

/** The server sees the request's connection close within 2 s. */
const aborted = (closed: Deferred.Deferred<void>) =>
  Deferred.await(closed).pipe(Effect.timeoutFail({ duration: Duration.seconds(2), onTimeout: () => new Error("the request was not aborted") }))

describe("HttpTransport (undici)", () => {
  it.live("returns status, lower-case headers and the body; sends the JSON body", () =>
    Effect.gen(function*() {
      const s = yield* server((req, res) => {
        let text = ""
        req.on("data", (c: Buffer) => (text += c.toString()))
        req.on("end", () => {
          res.writeHead(201, { "X-Echo": req.headers["content-type"] ?? "", "content-type": "application/json" })
          res.end(JSON.stringify({ got: text, path: req.url }))
        })
      })
      const response = yield* send(`${s.url}/v1/things?a=1`, Duration.seconds(5), '{"x":1}')
      expect(response.status).toBe(201)
      expect(response.headers["x-echo"]).toBe("application/json")
      expect(JSON.parse(response.text)).toEqual({ got: '{"x":1}', path: "/v1/things?a=1" })
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)))

  it.live("no answer within the deadline is a timed-out failure", () =>
    Effect.gen(function*() {
      const s = yield* server(() => {})
      const error = yield* Effect.flip(send(s.url, Duration.seconds(1)))
      expect(error).toMatchObject({ _tag: "TransportFailure", timedOut: true, unsent: false, message: "no response within 1s" })
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)), 10_000)

  it.live("a refused connection is a transport failure that did not time out", () =>
    Effect.gen(function*() {
      const s = yield* server(() => {})
      const url = s.url
      s.close()
      const error = yield* Effect.flip(send(url))
      expect(error).toMatchObject({ _tag: "TransportFailure", timedOut: false, unsent: true })
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)))

  it.live("interrupting a request in flight aborts it: the server sees the connection close", () =>
    Effect.gen(function*() {
      const s = yield* stalledServer
      const fiber = yield* Effect.fork(send(s.url, Duration.seconds(30)))
      yield* Deferred.await(s.arrived)
      yield* Fiber.interrupt(fiber)
      yield* aborted(s.closed)
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)), 10_000)

  it.live("a request cut short by an Effect timeout is aborted too, and the transport serves the next one", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      let requests = 0
      const s = yield* server((_req, res) => {
        requests++
        if (requests === 1) res.on("close", () => Deferred.unsafeDone(closed, Effect.void))
        else res.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
      const cut = yield* send(s.url, Duration.seconds(30)).pipe(Effect.timeout(Duration.millis(200)), Effect.flip)
      expect(cut._tag).toBe("TimeoutException")
      yield* aborted(closed)
      expect((yield* send(s.url)).status).toBe(200)
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)), 10_000)

  it.live("interrupting a fiber that holds the transport's layer ends at once: the request is aborted as the layer closes", () =>
    Effect.gen(function*() {
      const s = yield* stalledServer
      // the layer is built and closed by the fiber that sends (as a command line's main fiber does)
      const fiber = yield* Effect.fork(send(s.url, Duration.seconds(30)).pipe(Effect.provide(HttpTransport.layerUndici)))
      yield* Deferred.await(s.arrived)
      const started = Date.now()
      yield* Fiber.interrupt(fiber)
      expect(Date.now() - started).toBeLessThan(1_000)
      yield* aborted(s.closed)
    }).pipe(Effect.scoped), 10_000)

  it.live("a body in many parts, multi-byte characters split between them, arrives whole", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({ items: Array.from({ length: 5_000 }, (_, i) => ({ i, name: "Zoë Ñúñez — 東京 🚀" })) })
      const bytes = Buffer.from(text, "utf8")
      const s = yield* server((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length })
        // odd-sized parts cut characters of several bytes in two
        let at = 0
        const next = () => {
          if (at >= bytes.length) return res.end()
          res.write(bytes.subarray(at, at + 7_777), next)
          at += 7_777
        }
        next()
      })
      const response = yield* send(s.url)
      expect(response.text).toBe(text)
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)))

  it.live("a body over maxBodyBytes fails with the limit, announced or not, and the transport serves the next one", () =>
    Effect.gen(function*() {
      const chunk = Buffer.alloc(64 * 1024, "x")
      const s = yield* server((req, res) => {
        if (req.url === "/small") return res.writeHead(200, { "content-type": "application/json" }).end("{}")
        // announced: refused on its headers; chunked: refused as the bytes arrive past the bound
        res.writeHead(200, req.url === "/announced" ? { "content-length": String(chunk.length * 64) } : {})
        let sent = 0
        const next = () => (sent++ < 64 && !res.destroyed ? res.write(chunk, next) : res.end())
        next()
      })
      const bounded = (path: string) =>
        Effect.flatMap(HttpTransport, (t) =>
          t.send({ method: "GET", url: `${s.url}${path}`, headers: {}, timeout: Duration.seconds(5), maxBodyBytes: 256 * 1024 }))
      for (const path of ["/announced", "/chunked"]) {
        const error = yield* Effect.flip(bounded(path))
        expect(error).toMatchObject({ _tag: "TransportFailure", limit: "BodySize", message: "the response body is larger than 256 KiB" })
      }
      expect((yield* bounded("/small")).text).toBe("{}")
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)), 10_000)

  it.live("a body trickled within the gap timeout still ends at the deadline", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const s = yield* server((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.write("[")
        const timer = setInterval(() => res.write(" "), 100)
        res.on("close", () => {
          clearInterval(timer)
          Deferred.unsafeDone(closed, Effect.void)
        })
      })
      const started = Date.now()
      const error = yield* Effect.flip(
        Effect.flatMap(HttpTransport, (t) =>
          t.send({ method: "GET", url: s.url, headers: {}, timeout: Duration.seconds(5), deadline: Duration.millis(800) }))
      )
      expect(error).toMatchObject({ _tag: "TransportFailure", limit: "Deadline", timedOut: false, message: "the response did not arrive whole within 800ms" })
      // generous: the deadline, not the gap timeout (5 s, never reached by a trickle) ended it
      expect(Date.now() - started).toBeLessThan(4_000)
      yield* aborted(closed)
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)), 10_000)

  it.live("a 500 with a body is an answer, not a transport failure", () =>
    Effect.gen(function*() {
      const s = yield* server((_req, res) => {
        res.writeHead(500, { "content-type": "application/json", "Retry-After": "3" })
        res.end('{"error":{"message":"boom"}}')
      })
      const response = yield* send(s.url)
      expect(response).toEqual({ status: 500, headers: expect.objectContaining({ "retry-after": "3" }), text: '{"error":{"message":"boom"}}' })
    }).pipe(Effect.scoped, Effect.provide(HttpTransport.layerUndici)))
})
