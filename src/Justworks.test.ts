/**
 * The library entry against the stateful mock: the README's example runs as written, and the service's
 * streams, actions, healthchecks and scope helpers behave.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Chunk, Deferred, Duration, Effect, Either, Fiber, Layer, Redacted, Schedule, Stream } from "effect"
import { mockServer } from "../mocks/mockServer.js"
import type { MockServer } from "../mocks/startMockServer.js"
import { HttpTransport, type TransportRequest } from "./net/HttpTransport.js"
import type { Member, MemberName } from "./generated/records.js"
import { Justworks } from "./Justworks.js"
import { projectFile } from "../test-support/projectManifest.js"
import { ensureBuilt } from "../test-support/cliHarness.js"
import { deductionRows } from "../test-support/deductionRows.js"

/** For type assertions only (never read at run time). */
declare const service: Justworks["Type"]

const justworksFor = (mock: MockServer, scopes: ReadonlyArray<string>) => {
  const issued = mock.issueTokens(scopes)
  return Justworks.layer({
    clientId: mock.clientId,
    clientSecret: Redacted.make(mock.clientSecret),
    baseUrl: mock.url,
    tokens: { accessToken: Redacted.make(issued.access_token), refreshToken: Redacted.make(issued.refresh_token), scopes }
  })
}

describe("Justworks (library entry)", () => {
  it("the README example runs as written", async () => {
    // the package's name resolves to the built library
    await ensureBuilt()
    const readme = readFileSync(projectFile("README.md"), "utf8")
    const example = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(example).toBeDefined()
    // inside the package, "justworks-connector" resolves to the package itself
    const dir = mkdtempSync(join(projectFile("src"), ".readme-example-"))
    try {
      writeFileSync(join(dir, "example.ts"), example!)
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(dir, "example.ts")], { cwd: projectFile(""), timeout: 60_000 })
      expect(stdout.trim()).toMatch(/^.+: 250 members$/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it("streams and actions are typed from the OpenAPI description (checked by tsc: npm test type-checks the tests)", () => {
    type Service = Justworks["Type"]
    expectTypeOf<Stream.Stream.Success<ReturnType<typeof service.stream<"members">>>>().toEqualTypeOf<Member>()
    expectTypeOf<Stream.Stream.Success<ReturnType<typeof service.stream<"payroll_fees">>>["payroll_id"]>().toEqualTypeOf<string>()
    expectTypeOf<Effect.Effect.Success<ReturnType<typeof service.action<"get_member">>>>().toEqualTypeOf<Member>()
    expectTypeOf<Parameters<typeof service.action<"get_member">>>().toEqualTypeOf<[id: "get_member", input: { readonly member_id: string }]>()
    expectTypeOf<Parameters<typeof service.action<"get_company">>>().toEqualTypeOf<[id: "get_company", input?: Readonly<Record<string, never>>]>()
    expectTypeOf<Member["name"]>().toEqualTypeOf<MemberName | undefined>()
    // never called: what TypeScript refuses
    expectTypeOf((justworks: Service) => {
      // @ts-expect-error members have no salary field
      void Stream.map(justworks.stream("members"), (m) => m.salary)
      // @ts-expect-error get_member needs its member_id
      void justworks.action("get_member")
    }).toBeFunction()
  })

  it.effect("requests go out through the transport given (e.g. one with a proxy or tracing)", () =>
    Effect.gen(function*() {
      const sent: Array<TransportRequest> = []
      const transport = Layer.succeed(HttpTransport, HttpTransport.of({
        send: (request) => {
          sent.push(request)
          const page = request.url.includes("cursor=") ? { items: [{ id: "m2", updated_at: "2025-01-02T00:00:00Z" }], next_cursor: null }
            : { items: [{ id: "m1", updated_at: "2025-01-01T00:00:00Z" }], next_cursor: "c2" }
          return Effect.succeed({ status: 200, headers: {}, text: JSON.stringify(page) })
        }
      }))
      const ids = yield* Stream.runCollect(Stream.flatMap(Justworks, (j) => j.stream("members"))).pipe(
        Effect.provide(Justworks.layer({
          clientId: "c",
          clientSecret: Redacted.make("s"),
          baseUrl: "https://partner.example",
          tokens: { accessToken: Redacted.make("token-1") },
          transport
        }))
      )
      expect(Chunk.toArray(ids).map((m) => m["id"])).toEqual(["m1", "m2"])
      expect(sent.map((r) => r.url)).toEqual([
        "https://partner.example/v1/members?limit=100",
        "https://partner.example/v1/members?limit=100&cursor=c2"
      ])
      expect(sent[0]!.headers["authorization"]).toBe("Bearer token-1")
    }))

  it.live("onTokenRefresh hands each refreshed pair to the embedder; a run with the pair it kept works", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ members: 3 })
      const issued = mock.issueTokens(mock.scopes)
      const kept: Array<{ access: string; refresh: string | undefined; expiresAt: Date }> = []
      const layer = (tokens: { access: string; refresh: string | undefined }) =>
        Justworks.layer({
          clientId: mock.clientId,
          clientSecret: Redacted.make(mock.clientSecret),
          baseUrl: mock.url,
          // the embedder's copy says the access token expired: the first request refreshes it
          tokens: { accessToken: Redacted.make(tokens.access), refreshToken: tokens.refresh === undefined ? undefined : Redacted.make(tokens.refresh), expiresAt: new Date(0) },
          onTokenRefresh: (c) =>
            Effect.sync(() => kept.push({ access: Redacted.value(c.accessToken), refresh: c.refreshToken && Redacted.value(c.refreshToken), expiresAt: c.accessTokenExpiresAt }))
        })
      const count = Effect.flatMap(Justworks, (j) => Stream.runCount(j.stream("members")))
      expect(yield* count.pipe(Effect.provide(layer({ access: issued.access_token, refresh: issued.refresh_token })))).toBe(3)
      expect(kept).toHaveLength(1)
      expect(kept[0]!.refresh).not.toBe(issued.refresh_token)
      expect(kept[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now())
      const members = mock.requests.filter((r) => r.path === "/v1/members")
      expect(members.every((r) => r.token === kept[0]!.access)).toBe(true)
      // the next run starts from what was kept (the given refresh token is dead by now)
      expect(yield* count.pipe(Effect.provide(layer(kept[0]!)))).toBe(3)
      expect(kept).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("a child stream reads the next page of parents while the children of the current one are in flight", () =>
    Effect.gen(function*() {
      const today = new Date().toISOString().slice(0, 10)
      const sent: Array<string> = []
      const release = yield* Deferred.make<void>()
      const payroll = (id: string) => ({ id, pay_date: today })
      const transport = Layer.succeed(HttpTransport, HttpTransport.of({
        send: (request) => {
          sent.push(request.url)
          const answer = (body: unknown) => ({ status: 200, headers: {}, text: JSON.stringify(body) })
          const child = /\/v1\/payrolls\/([^/]+)\/paystubs/.exec(request.url)
          if (child !== null) {
            // children answer only once released: the parents read meanwhile were read ahead
            return Effect.as(Deferred.await(release), answer({ items: [{ paystub_id: `ps-${child[1]}` }], next_cursor: null }))
          }
          return Effect.succeed(answer(request.url.includes("cursor=")
            ? { items: [payroll("p3")], next_cursor: null }
            : { items: [payroll("p1"), payroll("p2")], next_cursor: "c2" }))
        }
      }))
      const layer = Justworks.layer({
        clientId: "c",
        clientSecret: Redacted.make("s"),
        baseUrl: "https://partner.example",
        tokens: { accessToken: Redacted.make("token-1") },
        transport,
        validation: "off"
      })
      const read = yield* Effect.fork(
        Stream.runCollect(Stream.flatMap(Justworks, (j) => j.stream("paystubs", { startDate: today }))).pipe(Effect.provide(layer))
      )
      const secondParentPage = Effect.suspend(() => (sent.some((url) => url.includes("/v1/payrolls?") && url.includes("cursor=c2")) ? Effect.void : Effect.fail("not yet")))
      yield* secondParentPage.pipe(Effect.retry(Schedule.spaced(Duration.millis(10)).pipe(Schedule.upTo(Duration.seconds(5)))))
      yield* Deferred.succeed(release, undefined)
      const paystubs = yield* Fiber.join(read)
      // in parent order, each with its parent key
      expect(Chunk.toArray(paystubs).map((p) => [p["paystub_id"], p["payroll_id"]])).toEqual([["ps-p1", "p1"], ["ps-p2", "p2"], ["ps-p3", "p3"]])
    }))

  it.live("streams, actions, healthchecks and scope helpers", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ members: 40 })
      yield* Effect.gen(function*() {
        const justworks = yield* Justworks
        expect(yield* Stream.runCount(justworks.stream("members"))).toBe(40)
        const member = (yield* justworks.action("get_member", { member_id: mock.store.memberId(3) })) as { id: string }
        expect(member.id).toBe(mock.store.memberId(3))
        const page = (yield* justworks.action("list_members", { limit: 5 })) as { items: Array<unknown>; next_cursor: string }
        expect(page.items).toHaveLength(5)
        const bad = yield* Effect.flip(justworks.action("get_member", { id: "x" } as never))
        expect(bad.message).toBe('action get_member: "member_id" is required (a string)')
        const notGranted = yield* Effect.flip(justworks.action("get_member_tax_id", { member_id: mock.store.memberId(3) }))
        expect(notGranted.message).toMatch(/lacks member.tax_id:read; reconnect with the preset sensitive_member_data selected/)
        const health = yield* justworks.healthcheck
        expect(health.checks.map((c) => `${c.name}: ${c.status}`)).toEqual([
          "Get Company Information: passed",
          "List Company Members: passed",
          "List Company Departments: passed",
          "List Time Off Policies: skipped"
        ])
        expect(health.idle.warn).toBe(false)
        expect(Either.getOrThrow(justworks.minimalScopes({ presets: ["deductions"] }))).toEqual(["deductions:write"])
      }).pipe(Effect.provide(justworksFor(mock, ["company.detail:read", "member.detail:read"])))

      // batch writes: planned (validated, keys derived), then one result per row
      yield* Effect.gen(function*() {
        const justworks = yield* Justworks
        const rows = deductionRows(mock, 3, "Library")
        const plan = yield* justworks.planWrite("create_deductions", [...rows, { ...rows[0], amount: -5 }])
        expect(plan.invalid.map((r) => [r.row.position, r.problems])).toEqual([[4, ["amount: Expected a number >= 1"]]])
        const results = Chunk.toArray(yield* Stream.runCollect(justworks.write(plan, { partial: true })))
        expect(results.map((r) => [r.position, r.status])).toEqual([[4, "invalid"], [1, "applied"], [2, "applied"], [3, "applied"]])
        expect(mock.store.writtenDeductions().map((d) => d.description)).toEqual(["Library 1", "Library 2", "Library 3"])
        // a raw action's body is checked against the request schema before any request (TypeScript refuses this
        // one; a caller without types, or with a cast, gets it checked at run time)
        const posts = mock.requests.filter((r) => r.method === "POST").length
        const untyped = { items: [{ ...rows[0], operation_id: "x", amount: "12.50" }] } as never
        const badBody = yield* Effect.flip(justworks.action("create_deductions", untyped))
        expect(badBody.message).toBe('action create_deductions: items[0].amount: Expected number')
        expect(mock.requests.filter((r) => r.method === "POST")).toHaveLength(posts)
        const notBatch = yield* Effect.flip(justworks.planWrite("get_company", []))
        expect(notBatch.message).toBe("action get_company does not take rows; batch actions: create_deductions, update_deductions, cancel_deductions")
      }).pipe(Effect.provide(justworksFor(mock, ["deductions:write", "member.basic:read"])))
    }).pipe(Effect.scoped), 30_000)
})
