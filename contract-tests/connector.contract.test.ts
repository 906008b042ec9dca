/**
 * Every manifest endpoint exercised through the connector itself against Prism: streams through the
 * runtime (records checked by our schemas), the other endpoints through actions. Prism judges each request
 * (422 or an `sl-violations` header fails the test); every query parameter the connector sends must be
 * declared for its operation. Error contracts: no token → authentication error, 403 → missing scope
 * naming the scope, 429 → retried.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, describe, expect, inject, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { ActionRunner } from "../src/actions/ActionRunner.js"
import { StoredConnection } from "../src/auth/store/StoredConnection.js"
import { TokenStore } from "../src/auth/store/TokenStore.js"
import { StreamReader } from "../src/runtime/StreamReader.js"
import { connectorLayer, projectConnector } from "../test-support/connectorLayer.js"
import { exampleIds, operationRequests } from "./support/operationRequests.js"
import { makeSpecValidator } from "./support/specValidator.js"

const prismUrl = inject("prismUrl")
const spec = makeSpecValidator()
const model = projectConnector

interface Sent {
  readonly operationId: string | undefined
  readonly query: ReadonlyArray<string>
  readonly status: number
  readonly violations: string | null
}

/** What the next requests should ask of Prism. */
const steering: { prefer?: string | undefined; stripAuth?: boolean } = {}
const sent: Array<Sent> = []

const operationOf = (method: string, pathname: string) =>
  spec.operations.find((o) =>
    o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname)
  )

const isList = (operationId: string) => {
  const ok = Object.entries<any>(spec.operation(operationId).operation["responses"]).find(([s]) => s.startsWith("2"))
  return spec.resolve(spec.resolve(ok?.[1])?.content?.["application/json"]?.schema)?.properties?.next_cursor !== undefined
}

/** undici, with a Prefer header per request (last page of list examples unless steered) and a log. */
const watchedHttp = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) =>
    client.pipe(
      HttpClient.mapRequest((request) => {
        // runs before the pipeline prepends the base URL
        const url = new URL(request.url, prismUrl)
        const op = operationOf(request.method, url.pathname)
        const prefer = steering.prefer ?? (op && isList(op.operationId) ? "example=last_page" : undefined)
        let steered = prefer === undefined ? request : HttpClientRequest.setHeader(request, "prefer", prefer)
        // without the bearer token (Prism checks for one)
        if (steering.stripAuth) steered = HttpClientRequest.setHeader(steered, "authorization", "Basic bm8tdG9rZW4=")
        return steered
      }),
      HttpClient.tap((response) =>
        Effect.sync(() => {
          const url = new URL(response.request.url, prismUrl)
          sent.push({
            operationId: operationOf(response.request.method, url.pathname)?.operationId,
            query: [...url.searchParams.keys()],
            status: response.status,
            violations: response.headers["sl-violations"] ?? null
          })
        })
      )
    ))
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const tokenStore = Layer.effect(TokenStore, Effect.orDie(Effect.gen(function*() {
  const store = yield* TokenStore.makeMemory
  const now = new Date()
  yield* store.put(new StoredConnection({
    connectionId: "test",
    accessToken: Redacted.make("prism-access-token"),
    accessTokenExpiresAt: new Date(now.getTime() + 3_600_000),
    refreshToken: Redacted.make("prism-refresh-token"),
    refreshTokenIssuedAt: now,
    grantedScopes: Object.keys(model.scopeGraph.scopes),
    createdAt: now,
    lastRefreshedAt: now,
    lastUsedAt: now
  }))
  return store
})))

const connector = Layer.provideMerge(
  ActionRunner.layer,
  connectorLayer({
    mock: { url: prismUrl, clientId: "client-id", clientSecret: "client-secret" },
    http: watchedHttp,
    store: tokenStore,
    // Prism's example Retry-After is long; the retry mechanism itself is what is checked here
    retry: { base_delay: Duration.millis(10), max_delay: Duration.millis(50), respect_retry_after: false }
  })
)

const steer = <A, E, R>(options: typeof steering, effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => Object.assign(steering, options)),
    () => effect,
    () => Effect.sync(() => {
      delete steering.prefer
      delete steering.stripAuth
    })
  )

/** The action input equivalent to a contract request of the table: path values, query, body. */
const actionInput = (operationId: string): Record<string, unknown> => {
  const request = operationRequests(exampleIds)[operationId]!
  const template = spec.operation(operationId).path
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
  const values = new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`).exec(request.path)!.slice(1)
  return {
    ...Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i]!)])),
    ...request.query,
    ...(request.json === undefined ? {} : { body: request.json })
  }
}

const streamEndpoints = new Set<string>()

describe("contract: the connector against Prism", () => {
  // real clock: retries and report polling really wait (briefly)
  const runtime = ManagedRuntime.make(connector)
  afterAll(() => runtime.dispose())
  const live = <A, E>(name: string, effect: Effect.Effect<A, E, ActionRunner | StreamReader>) =>
    it(name, () => runtime.runPromise(effect), 60_000)
  {
    live("reads every stream through the runtime; Prism accepts every request",
      Effect.gen(function*() {
        const reader = yield* StreamReader
        // the spec's examples are dated 2025
        const startDate = "2025-01-01"
        for (const def of reader.streams) {
          const before = sent.length
          const events = Chunk.toArray(yield* Stream.runCollect(reader.read(def.name, { startDate })))
          const records = events.flatMap((e) => (e._tag === "Records" ? e.records : []))
          expect(records.length, def.name).toBeGreaterThan(0)
          for (const request of sent.slice(before)) if (request.operationId) streamEndpoints.add(request.operationId)
        }
      }))

    live("runs every action; Prism accepts every request",
      Effect.gen(function*() {
        const actions = yield* ActionRunner
        for (const id of actions.actions) {
          const before = sent.length
          yield* actions.run(id, actionInput(model.actions.get(id)!.endpoint.id))
          expect(sent.slice(before).map((s) => s.operationId), id).toContain(model.actions.get(id)!.endpoint.id)
        }
      }))

    live("covered every endpoint; sent only declared query parameters; no request violated the spec",
      Effect.sync(() => {
        const reached = new Set(sent.map((s) => s.operationId))
        for (const endpoint of model.endpoints.keys()) expect(reached, endpoint).toContain(endpoint)
        for (const stream of ["list_members", "list_payrolls", "list_payroll_paystubs", "get_paystub", "get_time_off_balances_report"]) {
          expect(streamEndpoints, stream).toContain(stream)
        }
        for (const request of sent) {
          expect(request.operationId).toBeDefined()
          expect(request.violations, `${request.operationId}: ${request.violations}`).toBeNull()
          expect(spec.queryParameters(request.operationId!), request.operationId).toEqual(expect.arrayContaining([...request.query]))
        }
        expect(sent.filter((s) => s.status >= 400)).toEqual([])
      }))

    live("403 → a missing-scope error naming the scope and the preset that grants it",
      Effect.gen(function*() {
        const actions = yield* ActionRunner
        const error = yield* Effect.flip(steer({ prefer: "code=403" }, actions.run("get_company_bank_account", {})))
        expect(error._tag === "ApiError" && error.reason, error.message).toBe("MissingScope")
        expect(error.message).toMatch(/lacks scope [a-z_.]+:read .*reconnect with the preset \w+ selected/)
      }))

    live("429 → retried up to the policy's attempts, then a rate-limit error",
      Effect.gen(function*() {
        const actions = yield* ActionRunner
        const before = sent.length
        const error = yield* Effect.flip(steer({ prefer: "code=429" }, actions.run("get_company", {})))
        expect(error._tag === "ApiError" && error.reason).toBe("RateLimited")
        expect(sent.slice(before).filter((s) => s.status === 429)).toHaveLength(model.retry.max_attempts)
      }))

    // last: the refresh it causes swaps in Prism's example token, whose granted scopes are few
    live("no token → an authentication error",
      Effect.gen(function*() {
        const actions = yield* ActionRunner
        const error = yield* Effect.flip(steer({ stripAuth: true }, actions.run("get_company", {})))
        expect(error._tag === "ApiError" && error.reason).toBe("Authentication")
        expect(error.message).toMatch(/get_company: Authentication error \(HTTP 401\)/)
      }))
  }
})
