/**
 * The wire under the HTTP pipeline: send one request, get status, headers and the whole body as text. The
 * production transport is undici's keep-alive `Agent`, dispatched to directly (one `Effect.async` per request;
 * the deadline is undici's own header and body timeouts, resolved to about half a second, so no timer fiber per
 * request); `fromHttpClient`
 * adapts any `@effect/platform` `HttpClient` (tests stub one; it honours the deadline with the Effect clock).
 * Retries, tokens and status classification stay in `ApiClient`, above this.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Context, Data, Duration, Effect, Fiber, Layer, Option } from "effect"
import { Agent, type Dispatcher, errors as undiciErrors } from "undici"

export interface TransportRequest {
  readonly method: string
  /** absolute URL */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** JSON text */
  readonly body?: string | undefined
  /** no response (headers, then each part of the body) within this long fails the request */
  readonly timeout: Duration.Duration
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
}> {}

export class HttpTransport extends Context.Tag("justworks-connector/HttpTransport")<HttpTransport, {
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportFailure>
}>() {
  /**
   * undici directly, over a keep-alive `Agent` destroyed with the layer: a request still in flight then (its
   * fiber interrupted, the layer's scope closing before the fiber ends) is aborted, not waited for.
   */
  static layerUndici: Layer.Layer<HttpTransport> = Layer.scoped(
    HttpTransport,
    Effect.map(
      Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy())),
      (agent) => HttpTransport.of({ send: sendWith(agent) })
    )
  )

  /** Any `HttpClient` (e.g. a stub in tests), the deadline enforced with the Effect clock. */
  static fromHttpClient = (client: HttpClient.HttpClient): HttpTransport["Type"] =>
    HttpTransport.of({
      send: (request) => {
        let built = HttpClientRequest.make(request.method as "GET")(request.url).pipe(HttpClientRequest.setHeaders(request.headers))
        if (request.body !== undefined) built = HttpClientRequest.bodyText(built, request.body, "application/json")
        return client.execute(built).pipe(
          Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, headers: response.headers, text }))),
          Effect.scoped,
          Effect.mapError((e) => new TransportFailure({ message: e.message, timedOut: false })),
          Effect.timeoutFail({
            duration: request.timeout,
            onTimeout: () => new TransportFailure({ message: `no response within ${Duration.format(request.timeout)}`, timedOut: true })
          })
        )
      }
    })

  static layerHttpClient: Layer.Layer<HttpTransport, never, HttpClient.HttpClient> = Layer.effect(
    HttpTransport,
    Effect.map(HttpClient.HttpClient, HttpTransport.fromHttpClient)
  )
}

const isTimeout = (error: unknown) =>
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
}

const abandon = (request: InFlight) => {
  request.abandoned = true
  request.controller?.abort(new Error("interrupted"))
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

/** The last timeout seen, in milliseconds (every request of a connector has the same one). */
let lastTimeout: { readonly timeout: Duration.Duration; readonly ms: number } | undefined
const millisOf = (timeout: Duration.Duration): number => {
  if (lastTimeout?.timeout !== timeout) lastTimeout = { timeout, ms: Duration.toMillis(timeout) }
  return lastTimeout.ms
}

/**
 * One request through the agent's `dispatch` with a handler that gathers the body's chunks: no response
 * stream, promise or abort signal per request (`agent.request` makes all three). The request is aborted
 * when its fiber ends before the answer (see `follow`).
 */
const sendWith = (agent: Agent) => (request: TransportRequest): Effect.Effect<TransportResponse, TransportFailure> =>
  Effect.async<TransportResponse, TransportFailure>((resume) => {
    const { origin, path } = splitUrl(request.url)
    const ms = millisOf(request.timeout)
    const state: InFlight = { controller: undefined, abandoned: false }
    const unfollow = follow(state)
    let done = false
    const finish = (exit: Effect.Effect<TransportResponse, TransportFailure>) => {
      if (done) return
      done = true
      unfollow()
      resume(exit)
    }
    let status = 0
    let rawHeaders: Record<string, string | Array<string> | undefined> = {}
    const chunks: Array<Buffer> = []
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => {
        state.controller = c
        if (state.abandoned) c.abort(new Error("interrupted"))
      },
      onResponseStart: (_, statusCode, responseHeaders) => {
        status = statusCode
        rawHeaders = responseHeaders
      },
      onResponseData: (_, chunk) => {
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
        finish(Effect.fail(failure(error, ms)))
      }
    }
    try {
      agent.dispatch({
        origin,
        path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.body === undefined ? request.headers : { ...request.headers, "content-type": "application/json" },
        body: request.body ?? null,
        headersTimeout: ms,
        bodyTimeout: ms
      }, handler)
    } catch (error) {
      // invalid request options (e.g. a malformed URL) throw synchronously
      finish(Effect.fail(failure(error, ms)))
    }
  })

/** Errors raised before a connection existed: the request never left. */
const UNSENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

const failure = (error: unknown, ms: number) => {
  const code = (error as { code?: unknown } | null)?.code
  const unsent = error instanceof undiciErrors.ConnectTimeoutError || (typeof code === "string" && UNSENT_CODES.has(code))
  return isTimeout(error)
    ? new TransportFailure({ message: `no response within ${Duration.format(Duration.millis(ms))}`, timedOut: true, unsent })
    : new TransportFailure({ message: error instanceof Error ? (error.message || error.name) : String(error), timedOut: false, unsent })
}
