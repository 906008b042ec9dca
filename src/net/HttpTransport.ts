/**
 * The wire under the HTTP pipeline: send one request, get status, headers and the whole body as text. The
 * production transport is undici's keep-alive `Agent`, dispatched to directly (one `Effect.async` per request;
 * the gap timeout is undici's own header and body timeouts, resolved to about half a second, so no timer fiber
 * per request; the whole response's deadline is one plain timer); `fromHttpClient` (httpClientTransport.ts)
 * adapts any `@effect/platform` `HttpClient` (tests stub one; it honours the deadlines with the Effect clock).
 * A response is bounded: a body over `maxBodyBytes` is not read further, one slower than `deadline` as a whole
 * (a body trickled a byte at a time) is cut off; both fail with `limit` set.
 * Retries, tokens and status classification stay in `ApiClient`, above this.
 */
import { Context, Data, Duration, Effect, Fiber, Layer, Option } from "effect"
import type { Agent, Dispatcher } from "undici"

/** undici's error classes, from the module the layer loaded. */
type UndiciErrors = typeof import("./undici.js")["errors"]

export interface TransportRequest {
  readonly method: string
  /** absolute URL */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** JSON text, unless `contentType` says otherwise */
  readonly body?: string | undefined
  /** the body's media type (default `application/json`; the token endpoint takes a form) */
  readonly contentType?: string | undefined
  /** no response (headers, then each part of the body) within this long fails the request */
  readonly timeout: Duration.Duration
  /** the whole response, from sending the request to the body's last byte, within this long (default: unbounded) */
  readonly deadline?: Duration.Duration | undefined
  /** a body of more bytes fails the request, read no further (default: unbounded) */
  readonly maxBodyBytes?: number | undefined
}

export interface TransportResponse {
  readonly status: number
  /** lower-case names */
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

export class TransportFailure extends Data.TaggedError("TransportFailure")<{
  readonly message: string
  readonly timedOut: boolean
  /** no connection was made: the server never saw the request */
  readonly unsent?: boolean | undefined
  /** the response went past a bound of the request: its `maxBodyBytes`, or its `deadline` */
  readonly limit?: "BodySize" | "Deadline" | undefined
}> {}

/** What the failure of a request that went past one of its bounds says. */
export const limitMessage = (limit: "BodySize" | "Deadline", request: TransportRequest): string =>
  limit === "BodySize"
    ? `the response body is larger than ${formatBytes(request.maxBodyBytes ?? 0)}`
    : `the response did not arrive whole within ${Duration.format(request.deadline ?? Duration.zero)}`

/** 67108864 → "64 MiB" */
const formatBytes = (bytes: number): string => {
  const units = [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const
  for (const [unit, size] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`
  return `${bytes.toLocaleString("en-US")} bytes`
}

export class HttpTransport extends Context.Tag("justworks-connector/HttpTransport")<HttpTransport, {
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportFailure>
}>() {
  /**
   * undici directly, over a keep-alive `Agent` destroyed with the layer: a request still in flight then (its
   * fiber interrupted, the layer's scope closing before the fiber ends) is aborted, not waited for.
   */
  static layerUndici: Layer.Layer<HttpTransport> = Layer.scoped(
    HttpTransport,
    Effect.gen(function*() {
      // loaded with the layer, not with the library: importing it stays cheap
      const undici = yield* Effect.promise(() => import("./undici.js"))
      const agent = yield* Effect.acquireRelease(Effect.sync(() => new undici.Agent()), (agent) => Effect.promise(() => agent.destroy()))
      return HttpTransport.of({ send: sendWith(agent, undici.errors) })
    })
  )

}

const isTimeout = (undiciErrors: UndiciErrors, error: unknown) =>
  error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError ||
  error instanceof undiciErrors.ConnectTimeoutError

/** `https://host:port` and `/path?query` of an absolute URL, without a `URL` object per request. */
const splitUrl = (url: string): { readonly origin: string; readonly path: string } => {
  const scheme = url.indexOf("://")
  const slash = scheme < 0 ? -1 : url.indexOf("/", scheme + 3)
  if (slash < 0) {
    const parsed = new URL(url)
    return { origin: parsed.origin, path: parsed.pathname + parsed.search }
  }
  return { origin: url.slice(0, slash), path: url.slice(slash) }
}

const headerRecord = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/** A response: its headers as one record of lower-case names. */
const response = (status: number, raw: Record<string, string | Array<string> | undefined>, text: string): TransportResponse => ({
  status,
  headers: headerRecord(raw),
  text
})

/**
 * undici's controller keeps the response's raw header buffers, which are views of the socket's 64 KiB read
 * buffers, for as long as the request object lives: drop them once the response is read, else every page
 * holds a read buffer until a full GC (peak memory then grows with the read).
 */
const release = (controller: Dispatcher.DispatchController | undefined) => {
  // undefined when the connection failed before the request started
  if (typeof controller !== "object" || controller === null) return
  const raw = controller as { rawHeaders?: unknown; rawTrailers?: unknown }
  if ("rawHeaders" in raw) raw.rawHeaders = null
  if ("rawTrailers" in raw) raw.rawTrailers = null
}

/** A request in flight, as the end of the fiber that sent it sees it. */
interface InFlight {
  controller: Dispatcher.DispatchController | undefined
  /** its fiber ended before undici started it: abort it when it starts */
  abandoned: boolean
  /** the timer of its deadline */
  deadline: ReturnType<typeof setTimeout> | undefined
}

const abandon = (request: InFlight, reason: Error = new Error("interrupted")) => {
  request.abandoned = true
  if (request.deadline !== undefined) clearTimeout(request.deadline)
  request.controller?.abort(reason)
}


/** The requests in flight of each fiber that has sent one, aborted when the fiber ends. */
const inFlight = new WeakMap<Fiber.RuntimeFiber<unknown, unknown>, Set<InFlight>>()

/**
 * Follow a request until it is answered; if its fiber ends first (interrupted), abort it. An interrupted
 * fiber ends once its finalizers have run, so the abort comes after them (a layer's scope closing among them
 * destroys the agent, which aborts the request at once). This is what an `Effect.async` canceler would do,
 * without the interruption region a canceler puts around every request (which a fan-out of small requests
 * feels: ~9% of the bench's fan-out, A/B with `bench/compare.ts`): a fiber is watched once, however many
 * requests it sends.
 */
const follow = (request: InFlight): (() => void) => {
  const fiber = Option.getOrUndefined(Fiber.getCurrentFiber())
  if (fiber === undefined) return () => {}
  let requests = inFlight.get(fiber)
  if (requests === undefined) {
    const watched = new Set<InFlight>()
    fiber.addObserver(() => {
      for (const r of watched) abandon(r)
      watched.clear()
    })
    inFlight.set(fiber, watched)
    requests = watched
  }
  const followed = requests
  followed.add(request)
  return () => followed.delete(request)
}

/** Durations in milliseconds (every request of a connector has the same few). */
const knownMillis = new WeakMap<Duration.Duration, number>()
const millisOf = (duration: Duration.Duration): number => {
  let ms = knownMillis.get(duration)
  if (ms === undefined) knownMillis.set(duration, ms = Duration.toMillis(duration))
  return ms
}

/**
 * One request through the agent's `dispatch` with a handler that gathers the body's chunks: no response
 * stream, promise or abort signal per request (`agent.request` makes all three). The request is aborted
 * when its fiber ends before the answer (see `follow`).
 */
const sendWith = (agent: Agent, undiciErrors: UndiciErrors) => (request: TransportRequest): Effect.Effect<TransportResponse, TransportFailure> =>
  Effect.async<TransportResponse, TransportFailure>((resume) => {
    const { origin, path } = splitUrl(request.url)
    const ms = millisOf(request.timeout)
    const maxBytes = request.maxBodyBytes ?? Infinity
    const state: InFlight = { controller: undefined, abandoned: false, deadline: undefined }
    const unfollow = follow(state)
    let done = false
    const finish = (exit: Effect.Effect<TransportResponse, TransportFailure>) => {
      if (done) return
      done = true
      if (state.deadline !== undefined) clearTimeout(state.deadline)
      unfollow()
      resume(exit)
    }
    let status = 0
    let rawHeaders: Record<string, string | Array<string> | undefined> = {}
    const chunks: Array<Buffer> = []
    let received = 0
    /** the response went past a bound: fail, then abort it (undici reports the abort at once) and let its parts go */
    const beyond = (limit: "BodySize" | "Deadline") => {
      const message = limitMessage(limit, request)
      finish(Effect.fail(new TransportFailure({ message, timedOut: false, limit })))
      abandon(state, new Error(message))
      chunks.length = 0
    }
    if (request.deadline !== undefined) state.deadline = setTimeout(() => beyond("Deadline"), millisOf(request.deadline))
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => {
        state.controller = c
        if (state.abandoned) c.abort(new Error("interrupted"))
      },
      onResponseStart: (_, statusCode, responseHeaders) => {
        status = statusCode
        rawHeaders = responseHeaders
        // a body announced too large is not read at all
        if (Number(responseHeaders["content-length"] ?? 0) > maxBytes) beyond("BodySize")
      },
      onResponseData: (_, chunk) => {
        if (done) return
        received += chunk.length
        if (received > maxBytes) return beyond("BodySize")
        chunks.push(chunk)
      },
      onResponseEnd: (c) => {
        release(c)
        const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8")
        // undici may keep this handler until its next request on the connection: let the parts go now
        chunks.length = 0
        // a byte order mark is not JSON
        finish(Effect.succeed(response(status, rawHeaders, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)))
      },
      onResponseError: (c, error) => {
        release(c)
        finish(Effect.fail(failure(undiciErrors, error, ms)))
      }
    }
    try {
      agent.dispatch({
        origin,
        path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.body === undefined ? request.headers : { ...request.headers, "content-type": request.contentType ?? "application/json" },
        body: request.body ?? null,
        headersTimeout: ms,
        bodyTimeout: ms
      }, handler)
    } catch (error) {
      // invalid request options (e.g. a malformed URL) throw synchronously
      finish(Effect.fail(failure(undiciErrors, error, ms)))
    }
  })

/** Errors raised before a connection existed: the request never left. */
const UNSENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

const failure = (undiciErrors: UndiciErrors, error: unknown, ms: number) => {
  const code = (error as { code?: unknown } | null)?.code
  const unsent = error instanceof undiciErrors.ConnectTimeoutError || (typeof code === "string" && UNSENT_CODES.has(code))
  return isTimeout(undiciErrors, error)
    ? new TransportFailure({ message: `no response within ${Duration.format(Duration.millis(ms))}`, timedOut: true, unsent })
    : new TransportFailure({ message: error instanceof Error ? (error.message || error.name) : String(error), timedOut: false, unsent })
}
