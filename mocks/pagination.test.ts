/** Cursor pagination, member filters, incremental reads and determinism of the seeded data. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mockServer } from "./mockServer.js"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, testClient } from "./testClient.js"

const NOW = Date.parse("2026-03-20T12:00:00Z")
let clock = NOW
let server: MockServer
let api: TestClient

beforeAll(async () => {
  server = await startMockServer({ seed: 5, now: () => clock })
  api = testClient(server, server.issueTokens(server.scopes).access_token)
})
afterAll(() => server.close())

const byKey = (a: { updated_at: string; id: string }, b: { updated_at: string; id: string }) =>
  a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

describe("members pagination", () => {
  it("reads every member exactly once, in (updated_at, id) order", async () => {
    const members = await api.all("/v1/members?limit=37")
    expect(members).toHaveLength(server.store.memberCount)
    expect(server.store.memberCount).toBe(250)
    expect(new Set(members.map((m) => m.id)).size).toBe(server.store.memberCount)
    expect([...members].sort(byKey).map((m) => m.id)).toEqual(members.map((m) => m.id))
    expect(new Set(members.map((m) => m.updated_at)).size).toBeGreaterThan(240)
    const pages = server.requests.filter((r) => r.path === "/v1/members").length
    expect(pages).toBe(Math.ceil(250 / 37))
  })

  it("defaults to 100 per page and ends with next_cursor null", async () => {
    const first = await api.get("/v1/members")
    expect(first.body.items).toHaveLength(100)
    expect(typeof first.body.next_cursor).toBe("string")
    const last = await api.get("/v1/members?limit=100&updated_at_gte=2000-01-01T00:00:00Z&status=terminated")
    expect(last.body.next_cursor).toBeNull()
  })

  it("rejects limits outside 1..100 and foreign cursors", async () => {
    for (const limit of ["0", "101", "-1", "abc", "1.5"]) {
      const r = await api.get(`/v1/members?limit=${limit}`)
      expect(r.status).toBe(422)
      expect(r.body.error.details[0].field).toBe("limit")
    }
    const deductionsCursor = (await api.get("/v1/deductions?limit=1")).body.next_cursor as string
    const activeCursor = (await api.get("/v1/members?limit=1&status=active")).body.next_cursor as string
    for (const cursor of ["garbage", "eyJ4IjoxfQ", deductionsCursor, activeCursor]) {
      const r = await api.get(`/v1/members?limit=5&cursor=${cursor}`)
      expect(r.status, cursor).toBe(422)
      expect(r.body.error.details[0].field).toBe("cursor")
    }
  })

  it("filters on status", async () => {
    const terminated = await api.all("/v1/members?status=terminated")
    const active = await api.all("/v1/members?status=active")
    expect(terminated.length + active.length).toBe(server.store.memberCount)
    expect(terminated.length).toBe(server.store.counts().terminatedMembers)
    expect(terminated.every((m) => m.active === false && m.employment_termination_date !== null)).toBe(true)
    expect(active.every((m) => m.active === true && m.employment_termination_date === null)).toBe(true)
    expect(terminated.length).toBeGreaterThan(10)
  })

  it("filters on updated_at with every operator", async () => {
    const everyone = await api.all("/v1/members")
    const pivot = everyone[120].updated_at as string
    const expectFilter = async (query: string, keep: (u: string) => boolean) => {
      const got = await api.all(`/v1/members?limit=50&${query}`)
      expect(got.map((m) => m.id), query).toEqual(everyone.filter((m) => keep(m.updated_at)).map((m) => m.id))
    }
    await expectFilter(`updated_at_gte=${pivot}`, (u) => u >= pivot)
    await expectFilter(`updated_at_gt=${pivot}`, (u) => u > pivot)
    await expectFilter(`updated_at_lt=${pivot}`, (u) => u < pivot)
    await expectFilter(`updated_at_lte=${pivot}`, (u) => u <= pivot)
    await expectFilter(`updated_at_ne=${pivot}`, (u) => u !== pivot)
    await expectFilter(`updated_at=${pivot}`, (u) => u === pivot)
    const offset = pivot.replace("Z", "+00:00")
    await expectFilter(`updated_at_gte=${encodeURIComponent(offset)}`, (u) => u >= pivot)
  })

  it("touchMember makes a member re-appear for an updated_at_gte read", async () => {
    const everyone = await api.all("/v1/members")
    const high = everyone.at(-1).updated_at as string
    expect((await api.all(`/v1/members?updated_at_gt=${high}`))).toEqual([])
    const target = everyone[3]
    clock = NOW + 5_000
    const touched = server.store.touchMember(target.id)
    expect(touched).toBe("2026-03-20T12:00:05Z")
    const changed = await api.all(`/v1/members?updated_at_gte=${high}`)
    expect(changed.map((m) => m.id)).toEqual([everyone.at(-1).id, target.id])
    expect(changed[1].updated_at).toBe(touched)
    const again = await api.all("/v1/members?limit=37")
    expect(again).toHaveLength(server.store.memberCount)
    expect(again.at(-1).id).toBe(target.id)
  })

  it("a member touched between two pages is neither skipped nor duplicated", async () => {
    const first = await api.get("/v1/members?limit=50")
    const notYetRead = (await api.get(`/v1/members?limit=1&cursor=${first.body.next_cursor}`)).body.items[0].id
    server.store.touchMember(notYetRead, NOW + 10_000)
    const rest: Array<any> = []
    let cursor: string | null = first.body.next_cursor
    while (cursor !== null) {
      const page = await api.get(`/v1/members?limit=50&cursor=${cursor}`)
      rest.push(...page.body.items)
      cursor = page.body.next_cursor
    }
    const ids = [...first.body.items, ...rest].map((m) => m.id)
    expect(new Set(ids).size).toBe(server.store.memberCount)
    expect(ids).toHaveLength(server.store.memberCount)
    expect(ids.at(-1)).toBe(notYetRead)
  })
})

describe("other lists", () => {
  it("page through every list with small pages and get the store's counts", async () => {
    const counts = server.store.counts()
    const payroll = server.store.payrolls()[10]!["id"] as string
    expect((await api.all("/v1/company/custom-fields?limit=2")).length).toBe(counts.companyCustomFields)
    expect((await api.all("/v1/company/jurisdictions?limit=3")).length).toBe(counts.companyJurisdictions)
    expect((await api.all("/v1/deduction-types?limit=3")).length).toBe(counts.deductionTypes)
    expect((await api.all("/v1/deductions?limit=30")).length).toBe(counts.deductions)
    expect((await api.all("/v1/time-off/policies?limit=1")).length).toBe(counts.timeOffPolicies)
    expect((await api.all("/v1/payrolls?start_date=2000-01-01&end_date=2100-12-31&limit=7")).length).toBe(counts.payrolls)
    const stubs = await api.all(`/v1/payrolls/${payroll}/paystubs?limit=33`)
    expect(stubs.map((s) => s.paystub_id)).toEqual(server.store.paystubIds(payroll))
    const fees = await api.all(`/v1/payrolls/${payroll}/fees?limit=33`)
    expect(fees).toHaveLength(stubs.length + 1)
    const requests = await api.all("/v1/time-off/requests?start_date=2000-01-01&end_date=2100-12-31&limit=100")
    expect(requests).toHaveLength(counts.timeOffRequests)
    expect(new Set(requests.map((r) => r.id)).size).toBe(counts.timeOffRequests)
    expect(counts).toMatchObject({ members: 250, payrolls: 48, departments: 8, offices: 4, timeOffPolicies: 4, webhooks: 3 })
  })

  it("payrolls and time-off requests honour the date range", async () => {
    const payrolls = await api.all("/v1/payrolls?start_date=2025-03-01&end_date=2025-05-31")
    expect(payrolls.map((p) => p.pay_date)).toEqual(["2025-03-15", "2025-03-31", "2025-04-15", "2025-04-30", "2025-05-15", "2025-05-31"])
    const requests = await api.all("/v1/time-off/requests?start_date=2025-07-01&end_date=2025-07-31")
    expect(requests.length).toBeGreaterThan(5)
    expect(requests.every((r) => r.start_date <= "2025-07-31" && r.end_date >= "2025-07-01")).toBe(true)
    const expected = server.store.timeOffRequests().filter((r) => r.start_date <= "2025-07-31" && r.end_date >= "2025-07-01")
    expect(requests.map((r) => r.id)).toEqual(expected.map((r) => r.id))
  })

  it("a payroll's totals are the sums of its paystubs, and net = gross - employee deductions", async () => {
    const run = server.store.payrolls()[20]!
    const ids = server.store.paystubIds(run["id"] as string)
    let gross = 0
    let net = 0
    let employeeTaxes = 0
    for (const id of ids.slice(0, 400)) {
      const stub = (await api.get(`/v1/paystubs/${id}`)).body
      const deducted = stub.employee_deductions.reduce((s: number, l: { amount: number }) => s + l.amount, 0)
      expect(stub.net_pay).toBe(stub.gross_pay - deducted)
      expect(stub.earnings.reduce((s: number, l: { amount: number }) => s + l.amount, 0)).toBe(stub.gross_pay)
      for (const line of [...stub.earnings, ...stub.employee_deductions, ...stub.employer_contributions]) expect(Number.isInteger(line.amount)).toBe(true)
      gross += stub.gross_pay
      net += stub.net_pay
      employeeTaxes += stub.employee_deductions.filter((l: { category: string }) => l.category === "tax").reduce((s: number, l: { amount: number }) => s + l.amount, 0)
    }
    expect(run).toMatchObject({ gross_pay: gross, net_pay: net, employee_taxes: employeeTaxes })
  })
})

describe("determinism", () => {
  const firstPages = (s: MockServer) => {
    const client = testClient(s, s.issueTokens(s.scopes).access_token)
    return Promise.all([
      client.get("/v1/members?limit=20").then((r) => r.text),
      client.get("/v1/company").then((r) => r.text),
      client.get("/v1/payrolls?start_date=2025-01-01&end_date=2025-12-31").then((r) => r.text),
      client.get("/v1/deductions?limit=10").then((r) => r.text),
      client.get("/v1/time-off/requests?start_date=2025-01-01&end_date=2025-02-01").then((r) => r.text)
    ])
  }

  it.scopedLive("the same seed gives byte-identical data, another seed different data", () =>
    Effect.gen(function* () {
      const a = yield* mockServer({ seed: 99, now: () => NOW })
      const b = yield* mockServer({ seed: 99, now: () => NOW })
      const c = yield* mockServer({ seed: 100, now: () => NOW })
      const [pa, pb, pc] = yield* Effect.promise(() => Promise.all([firstPages(a), firstPages(b), firstPages(c)]))
      expect(pa).toEqual(pb)
      pa.forEach((page, i) => expect(page).not.toEqual(pc[i]))
      expect(a.store.counts()).toEqual(b.store.counts())
    }))

  it("the data anchor follows asOf, not the wall clock", async () => {
    const a = await startMockServer({ seed: 3, members: 20, asOf: "2025-06-10" })
    try {
      expect(a.store.asOf).toBe("2025-06-10")
      expect(a.store.payrolls().at(-1)!["pay_date"]).toBe("2025-05-31")
      expect(a.store.payrolls()[0]!["pay_date"]).toBe("2023-06-15")
    } finally {
      await a.close()
    }
  })
})
