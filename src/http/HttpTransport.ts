/**
 * The wire under the HTTP pipeline: send one request, get status, headers and the whole body as text. The
 * production transport is undici's keep-alive `Agent` called directly (one `Effect.async` per request; the
 * deadline is undici's own header and body timeouts, resolved to about half a second, so no timer fiber per
 * request); `fromHttpClient`
 * adapts any `@effect/platform` `HttpClient` (tests stub one; it honours the deadline with the Effect clock).
 * Retries, tokens and status classification stay in `ApiClient`, above this.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Context, Data, Duration, Effect, Layer } from "effect"
import { EventEmitter } from "node:events"
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
}> {}

export class HttpTransport extends Context.Tag("justworks-connector/HttpTransport")<HttpTransport, {
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportFailure>
}>() {
  /** undici directly, over a keep-alive `Agent` closed with the layer. */
  static layerUndici: Layer.Layer<HttpTransport> = Layer.scoped(
    HttpTransport,
    Effect.map(
      Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.close())),
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

const headerRecord = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/**
 * Interruption aborts the request through an `EventEmitter` (which undici accepts as a signal) rather than an
 * `AbortSignal`: a per-request AbortSignal is held through weak references that only a full GC clears, so
 * every response it touches is promoted to the old generation (peak memory then grows with the read).
 */
const sendWith = (agent: Agent) => (request: TransportRequest): Effect.Effect<TransportResponse, TransportFailure> =>
  Effect.async<TransportResponse, TransportFailure>((resume) => {
    const signal = new EventEmitter()
    const url = new URL(request.url)
    const ms = Duration.toMillis(request.timeout)
    const pending: Promise<Dispatcher.ResponseData> = agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.body === undefined ? request.headers : { ...request.headers, "content-type": "application/json" },
      body: request.body ?? null,
      headersTimeout: ms,
      bodyTimeout: ms,
      signal
    })
    pending.then(
      (response) =>
        response.body.text().then(
          (text) => resume(Effect.succeed({ status: response.statusCode, headers: headerRecord(response.headers), text })),
          (error: unknown) => resume(Effect.fail(failure(error, ms)))
        ),
      (error: unknown) => resume(Effect.fail(failure(error, ms)))
    )
    return Effect.sync(() => signal.emit("abort"))
  })

const failure = (error: unknown, ms: number) =>
  isTimeout(error)
    ? new TransportFailure({ message: `no response within ${Duration.format(Duration.millis(ms))}`, timedOut: true })
    : new TransportFailure({ message: error instanceof Error ? (error.message || error.name) : String(error), timedOut: false })
