/**
 * The HTTP pipeline against a stubbed HttpClient: classification, 401 replay, retry timing (TestClock).
 */
import { HttpClient, HttpClientResponse, type HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Redacted, Ref, TestClock } from "effect"
import { Credentials } from "../auth/Credentials.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { ApiClient } from "./ApiClient.js"
import { fromHttpClient } from "../net/httpClientTransport.js"
import { HttpTransport, limitMessage, TransportFailure } from "../net/HttpTransport.js"

const loaded = loadProjectConnector()

interface Reply {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

/** An ApiClient whose server answers `replies` in order (the last one repeats), logging what it got. */
const harness = (replies: ReadonlyArray<Reply>) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<Array<{ url: string; token: string | undefined }>>([])
    const http = HttpClient.make((request: HttpClientRequest.HttpClientRequest, url) =>
      Effect.gen(function*() {
        const log = yield* Ref.updateAndGet(seen, (s) => [...s, { url: url.toString(), token: request.headers["authorization"] }])
        const reply = replies[Math.min(log.length, replies.length) - 1]!
        return HttpClientResponse.fromWeb(request, new Response(reply.body ?? "", { status: reply.status, headers: reply.headers ?? {} }))
      })
    )
    const api = yield* clientWith(fromHttpClient(http))
    return { api, seen }
  })

/** An ApiClient over `transport`, with credentials whose token changes each time one is refused. */
const clientWith = (transport: HttpTransport["Type"]) =>
  Effect.gen(function*() {
    const generation = yield* Ref.make(1)
    const tokens = Credentials.of({
      token: Effect.map(Ref.get(generation), (g) => Redacted.make(`token-${g}`)),
      invalidate: (rejected) =>
        Ref.update(generation, (g) => (Redacted.value(rejected) === `token-${g}` ? g + 1 : g))
    })
    return yield* ApiClient.make({ baseUrl: "https://api.test" }).pipe(
      Effect.provide(Layer.mergeAll(
        ConnectorModel.layerLoaded(loaded),
        Layer.succeed(HttpTransport, transport),
        Layer.succeed(Credentials, tokens)
      ))
    )
  })

const page = JSON.stringify({ items: [{ id: "m1", updated_at: "2025-01-01T00:00:00Z" }], next_cursor: null })

describe("ApiClient", () => {
  it.effect("sends base URL, path parameters, query and bearer token; returns the parsed body", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 200, body: page }])
      const body = yield* api.call("list_member_custom_field_values", { path: { member_id: "m 1" }, query: { limit: 100, cursor: undefined } })
      expect(body).toEqual(JSON.parse(page))
      expect(yield* Ref.get(seen)).toEqual([
        { url: "https://api.test/v1/members/m%201/custom-field-values?limit=100", token: "Bearer token-1" }
      ])
    }))

  it.effect("401: refreshes once and replays once", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 401 }, { status: 200, body: page }])
      yield* api.call("list_members")
      expect((yield* Ref.get(seen)).map((s) => s.token)).toEqual(["Bearer token-1", "Bearer token-2"])
    }))

  it.effect("a second 401 is an authentication error, not a loop", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 401 }])
      const error = yield* Effect.flip(api.call("list_members"))
      expect(error._tag === "ApiError" && error.reason).toBe("Authentication")
      expect((yield* Ref.get(seen)).length).toBe(2)
    }))

  it.effect("403 names the endpoint, the scope it needs and the preset granting it", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: { code: "insufficient_scope", message: "missing scope", required_scopes: ["company.bank_account:read"] } })
      const { api, seen } = yield* harness([{ status: 403, body }])
      const error = yield* Effect.flip(api.call("get_company_bank_account"))
      expect(error._tag === "ApiError" && error.reason).toBe("MissingScope")
      expect(error.message).toBe("get_company_bank_account: the connection lacks scope company.bank_account:read (HTTP 403); reconnect with the preset company_bank_account selected")
      expect((yield* Ref.get(seen)).length).toBe(1)
    }))

  it.effect("429 with Retry-After in seconds waits at least that long", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 429, headers: { "retry-after": "20" } }, { status: 200, body: page }])
      const fiber = yield* Effect.fork(api.call("list_members"))
      yield* TestClock.adjust("19 seconds")
      expect((yield* Ref.get(seen)).length).toBe(1)
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect((yield* Ref.get(seen)).length).toBe(2)
    }))

  it.effect("429 with Retry-After as an HTTP date waits until then", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const { api, seen } = yield* harness([{ status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:45 GMT" } }, { status: 200, body: page }])
      const fiber = yield* Effect.fork(api.call("list_members"))
      yield* TestClock.adjust("44 seconds")
      expect((yield* Ref.get(seen)).length).toBe(1)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect((yield* Ref.get(seen)).length).toBe(2)
    }))

  it.effect("5xx, and a truncated body, are retried with backoff until success", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 503 }, { status: 502 }, { status: 200, body: page.slice(0, 20) }, { status: 200, body: page }])
      const fiber = yield* Effect.fork(api.call("list_members"))
      yield* TestClock.adjust("1 minute")
      expect(yield* Fiber.join(fiber)).toEqual(JSON.parse(page))
      expect((yield* Ref.get(seen)).length).toBe(4)
    }))

  it.effect("retries are bounded by max_attempts", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 500 }])
      const fiber = yield* Effect.fork(Effect.flip(api.call("list_members")))
      yield* TestClock.adjust("10 minutes")
      const error = yield* Fiber.join(fiber)
      expect(error._tag === "ApiError" && error.reason).toBe("Server")
      expect((yield* Ref.get(seen)).length).toBe(loaded.retry.max_attempts)
    }))

  it.effect("a Retry-After beyond the total wait budget fails at once", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 429, headers: { "retry-after": "3600" } }])
      const error = yield* Effect.flip(api.call("list_members"))
      expect(error.message).toMatch(/rate limited \(HTTP 429\), retry after 1h/)
      expect((yield* Ref.get(seen)).length).toBe(1)
    }))

  it.effect("non-retryable errors fail at once", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: { code: "invalid", message: "bad request", details: [{ field: "limit", location: "query", message: "must be at most 100" }] } })
      const { api, seen } = yield* harness([{ status: 422, body }])
      const error = yield* Effect.flip(api.call("list_members", { query: { limit: 500 } }))
      expect(error._tag === "ApiError" && error.reason).toBe("InvalidRequest")
      expect(error.message).toContain("limit: must be at most 100")
      expect((yield* Ref.get(seen)).length).toBe(1)
    }))

  it.effect("a request that is not repeatable (a POST) is not sent again after a server error", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 503 }, { status: 200, body: "{}" }])
      const fiber = yield* Effect.fork(Effect.flip(api.call("simulate_webhook", { path: { webhook_id: "w1" }, body: {} })))
      yield* TestClock.adjust("10 minutes")
      const error = yield* Fiber.join(fiber)
      expect(error._tag === "ApiError" && error.reason).toBe("Server")
      expect((yield* Ref.get(seen)).length).toBe(1)
    }))

  it.effect("…but is after a 429, which the API did not process", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 429, headers: { "retry-after": "1" } }, { status: 200, body: "{}" }])
      const fiber = yield* Effect.fork(api.call("simulate_webhook", { path: { webhook_id: "w1" }, body: {} }))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect((yield* Ref.get(seen)).length).toBe(2)
    }))

  it.effect("…and after a refused connection, but not after one lost mid-request", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const failingWith = (unsent: boolean) =>
        clientWith(HttpTransport.of({
          send: () =>
            Effect.flatMap(Ref.updateAndGet(attempts, (n) => n + 1), (n) =>
              n === 1
                ? Effect.fail(new TransportFailure({ message: unsent ? "connect ECONNREFUSED" : "socket hang up", timedOut: false, unsent }))
                : Effect.succeed({ status: 204, headers: {}, text: "" }))
        }))
      const refused = yield* failingWith(true)
      const first = yield* Effect.fork(refused.call("simulate_webhook", { path: { webhook_id: "w1" }, body: {} }))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(first)
      expect(yield* Ref.get(attempts)).toBe(2)

      yield* Ref.set(attempts, 0)
      const lost = yield* failingWith(false)
      const error = yield* Effect.flip(lost.call("simulate_webhook", { path: { webhook_id: "w1" }, body: {} }))
      expect(error._tag === "ApiError" && error.reason).toBe("Transport")
      expect(yield* Ref.get(attempts)).toBe(1)
    }))

  it.effect("a body nested deeper than max_json_depth fails its request, not retried; one as deep as it passes", () =>
    Effect.gen(function*() {
      const depth = loaded.requester.max_json_depth
      // the body is an object: depth - 1 arrays in it reach the bound, one more goes past it
      const nested = (levels: number) => `{"items":[],"next_cursor":null,"x":${"[".repeat(levels)}${"]".repeat(levels)}}`
      const { api, seen } = yield* harness([{ status: 200, body: nested(10_000) }])
      const error = yield* Effect.flip(api.call("list_members"))
      expect(error._tag === "ApiError" && error.reason).toBe("ResponseLimit")
      expect(error.message).toBe(
        `list_members: response to GET /v1/members refused (HTTP 200): the JSON of the response is nested deeper than ${depth} levels (defaults.requester.max_json_depth)`
      )
      expect((yield* Ref.get(seen)).length).toBe(1)
      const fits = yield* harness([{ status: 200, body: nested(depth - 1) }])
      expect(yield* fits.api.call("list_members")).toMatchObject({ next_cursor: null })
      // brackets inside strings (escaped quotes too) do not count
      const quoted = yield* harness([{ status: 200, body: JSON.stringify({ items: [], next_cursor: null, note: `\\"${"[".repeat(5_000)}` }) }])
      expect(yield* quoted.api.call("list_members")).toMatchObject({ next_cursor: null })
    }))

  it.effect("a body past max_body_size or the response deadline fails its request, not retried", () =>
    Effect.gen(function*() {
      const requests: Array<{ maxBodyBytes: number | undefined; deadline: number | undefined }> = []
      for (const limit of ["BodySize", "Deadline"] as const) {
        const api = yield* clientWith(HttpTransport.of({
          send: (request) => {
            requests.push({ maxBodyBytes: request.maxBodyBytes, deadline: request.deadline === undefined ? undefined : Duration.toMillis(request.deadline) })
            return Effect.fail(new TransportFailure({ message: limitMessage(limit, request), timedOut: false, limit }))
          }
        }))
        const error = yield* Effect.flip(api.call("list_members"))
        expect(error._tag === "ApiError" && error.reason).toBe("ResponseLimit")
        expect(error.message).toBe(
          limit === "BodySize"
            ? "list_members: response to GET /v1/members refused: the response body is larger than 64 MiB (defaults.requester.max_body_size)"
            : "list_members: response to GET /v1/members refused: the response did not arrive whole within 5m (defaults.requester.response_deadline)"
        )
      }
      // what the manifest's requester says, once per request
      expect(requests).toEqual([{ maxBodyBytes: 64 * 1024 ** 2, deadline: 300_000 }, { maxBodyBytes: 64 * 1024 ** 2, deadline: 300_000 }])
    }))

  it.effect("an API error message echoing a token or a tax id comes out redacted", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: { message: "invalid header Authorization: Bearer token-1abcdefgh for 123-45-6789" } })
      const { api } = yield* harness([{ status: 400, body }])
      const error = yield* Effect.flip(api.call("list_members"))
      expect(error.message).toBe("list_members: InvalidRequest error (HTTP 400) on GET /v1/members: invalid header Authorization: Bearer *** for ***-**-****")
    }))

  it.effect("a POST the manifest declares repeatable (idempotency keys) is sent again after a server error", () =>
    Effect.gen(function*() {
      const { api, seen } = yield* harness([{ status: 503 }, { status: 200, body: JSON.stringify({ items: [] }) }])
      const fiber = yield* Effect.fork(api.call("create_deductions", { body: { items: [] } }))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect((yield* Ref.get(seen)).length).toBe(2)
    }))
})
