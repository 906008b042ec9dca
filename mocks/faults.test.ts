/** Every fault kind, triggered by request number (`at`) and by seeded rate, with reproducible sequences. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { httpDate } from "./calendar.js"
import type { FaultEffect, FaultRule, FaultTrigger } from "./faults.js"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, testClient } from "./testClient.js"

const NOW = Date.parse("2026-03-20T12:00:00Z")
let server: MockServer
let api: TestClient
let token: string
let memberId: string
let opCounter = 0

beforeAll(async () => {
  server = await startMockServer({ seed: 21, members: 30, now: () => NOW })
  token = server.issueTokens(server.scopes).access_token
  api = testClient(server, token)
  memberId = Array.from({ length: 30 }, (_, i) => server.store.member(i)!).find((m) => m["active"] === true)!["id"] as string
})
afterAll(() => server.close())

type Outcome = "fault" | "ok"
const DELAY = 80

/** One request per kind, classified as faulted or normal. */
const probes: Record<FaultRule["kind"], { rule: FaultEffect; probe: () => Promise<Outcome> }> = {
  rate_limit: { rule: { kind: "rate_limit", retryAfter: { seconds: 2 } }, probe: async () => ((await api.get("/v1/deductions?limit=2")).status === 429 ? "fault" : "ok") },
  server_error: { rule: { kind: "server_error", status: 502 }, probe: async () => ((await api.get("/v1/deductions?limit=2")).status === 502 ? "fault" : "ok") },
  reset: { rule: { kind: "reset" }, probe: () => api.get("/v1/deductions?limit=2").then(() => "ok" as const, () => "fault" as const) },
  slow: {
    rule: { kind: "slow", delayMs: DELAY },
    probe: async () => {
      const started = performance.now()
      await api.get("/v1/deductions?limit=2")
      return performance.now() - started >= DELAY - 5 ? "fault" : "ok"
    }
  },
  truncate: {
    rule: { kind: "truncate" },
    probe: async () => ((await api.get("/v1/deductions?limit=2")).json ? "ok" : "fault")
  },
  repeat_cursor: {
    rule: { kind: "repeat_cursor" },
    // observable on a request that carries a cursor: the answer's next_cursor is that same cursor
    probe: async () => {
      const r = await api.get(`/v1/deductions?limit=2&cursor=${pageTwoCursor}`)
      return r.body.next_cursor === pageTwoCursor ? "fault" : "ok"
    }
  },
  patch: {
    rule: { kind: "patch", set: { frequency: "monthly" }, item: 1 },
    probe: async () => ((await api.get("/v1/deductions?limit=2")).body.items[1].frequency === "monthly" ? "fault" : "ok")
  },
  apply_then_reset: {
    rule: { kind: "apply_then_reset" },
    probe: async () => {
      const before = server.store.writtenDeductions().length
      const outcome = await api.send("POST", "/v1/deductions", { items: [{ operation_id: `probe-${++opCounter}`, member_id: memberId, deduction_type_code: "GYM", amount_type: "fixed", amount: 100, currency: "USD", frequency: "one_time", start_date: "2026-04-01" }] })
        .then(() => "ok" as const, () => "fault" as const)
      expect(server.store.writtenDeductions().length).toBe(before + 1)
      return outcome
    }
  }
}

let pageTwoCursor = ""

const run = async (kind: FaultRule["kind"], trigger: FaultTrigger, count: number) => {
  if (pageTwoCursor === "") pageTwoCursor = (await api.get("/v1/deductions?limit=2")).body.next_cursor
  server.setFaults([{ ...probes[kind].rule, ...trigger } as FaultRule])
  const outcomes: Array<Outcome> = []
  for (let i = 0; i < count; i++) outcomes.push(await probes[kind].probe())
  server.setFaults([])
  return outcomes
}

describe("fault kinds", () => {
  for (const kind of Object.keys(probes) as Array<FaultRule["kind"]>) {
    it(`${kind}: fires on the listed request numbers`, async () => {
      expect(await run(kind, { at: [2, 4] }, 5)).toEqual(["ok", "fault", "ok", "fault", "ok"])
    })
    it(`${kind}: fires at a seeded rate, reproducibly`, async () => {
      const first = await run(kind, { rate: 0.5, seed: 1234 }, 10)
      const second = await run(kind, { rate: 0.5, seed: 1234 }, 10)
      expect(second).toEqual(first)
      expect(first).toContain("fault")
      expect(first).toContain("ok")
    })
  }
})

describe("fault details", () => {
  it("Retry-After in seconds and as an HTTP-date", async () => {
    server.setFaults([{ kind: "rate_limit", at: [1], retryAfter: { seconds: 7 } }, { kind: "rate_limit", at: [2], retryAfter: { seconds: 30, date: true } }])
    const seconds = await api.get("/v1/company")
    expect(seconds.status).toBe(429)
    expect(seconds.headers.get("retry-after")).toBe("7")
    expect(seconds.body.error.code).toBe("rate_limited")
    const date = await api.get("/v1/company")
    expect(date.headers.get("retry-after")).toBe(httpDate(NOW + 30_000))
    expect(date.headers.get("retry-after")).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
    server.setFaults([])
  })

  it("truncate sends a Content-Length matching the cut body", async () => {
    server.setFaults([{ kind: "truncate", at: [1] }])
    const r = await fetch(`${server.url}/v1/members?limit=3`, { headers: { authorization: `Bearer ${token}` } })
    expect(r.status).toBe(200)
    const text = await r.text()
    expect(Number(r.headers.get("content-length"))).toBe(Buffer.byteLength(text))
    expect(() => JSON.parse(text)).toThrow()
    server.setFaults([])
  })

  it("repeat_cursor on a first page returns a cursor for the first page again", async () => {
    server.setFaults([{ kind: "repeat_cursor", at: [1] }])
    const first = await api.get("/v1/members?limit=3")
    const again = await api.get(`/v1/members?limit=3&cursor=${first.body.next_cursor}`)
    expect(again.body.items).toEqual(first.body.items)
    server.setFaults([])
  })

  it("apply_then_reset applies the batch: a retry with the same operation_id gets the same deduction", async () => {
    server.setFaults([{ kind: "apply_then_reset", at: [1], method: "POST" }])
    const item = { operation_id: "atr-1", member_id: memberId, deduction_type_code: "GYM", amount_type: "fixed", amount: 2500, currency: "USD", frequency: "every_paycheck", start_date: "2026-04-01" }
    await expect(api.send("POST", "/v1/deductions", { items: [item] })).rejects.toThrow()
    const applied = server.store.writtenDeductions().find((d) => d.operation_id === "atr-1")
    expect(applied).toBeDefined()
    const retry = await api.send("POST", "/v1/deductions", { items: [item] })
    expect(retry.body.items[0]).toMatchObject({ deduction_id: applied!.id, success: true })
    expect(server.requests.at(-2)).toMatchObject({ method: "POST", path: "/v1/deductions", status: "reset", fault: "apply_then_reset" })
    server.setFaults([])
  })

  it("rules count only the requests they match (path prefix, regex, method); OAuth is outside the default", async () => {
    server.setFaults([
      { kind: "server_error", status: 500, at: [2], path: "/v1/members" },
      { kind: "server_error", status: 503, at: [1], path: /^\/v1\/payrolls\/[^/]+\/fees$/ },
      { kind: "rate_limit", at: [1, 2], method: "PUT" }
    ])
    expect((await api.get("/v1/company")).status).toBe(200)
    expect((await api.get("/v1/members?limit=1")).status).toBe(200)
    expect((await api.get("/v1/company")).status).toBe(200)
    expect((await api.get("/v1/members?limit=1")).status).toBe(500)
    expect((await api.get(`/v1/payrolls/${server.store.payrolls()[0]!["id"]}/fees`)).status).toBe(503)
    expect((await api.send("PUT", "/v1/deductions", { items: [{ deduction_id: "x" }] })).status).toBe(429)
    server.setFaults([{ kind: "server_error", at: [1] }])
    expect((await api.form("/v1/oauth/revoke", { client_id: server.clientId, client_secret: server.clientSecret, token: "x" })).status).toBe(200)
    expect((await api.get("/v1/company")).status).toBe(503)
    server.setFaults([{ kind: "server_error", status: 500, at: [1], path: "/oauth/token" }])
    expect((await api.form("/oauth/token", { grant_type: "refresh_token" })).status).toBe(500)
    server.setFaults([])
  })

  it("faults given at startup apply from the first request, and bad plans are refused", async () => {
    const s = await startMockServer({ seed: 1, members: 5, faults: [{ kind: "server_error", status: 500, at: [1] }] })
    try {
      const client = testClient(s, s.issueTokens(["company.basic:read"]).access_token)
      expect((await client.get("/v1/company")).status).toBe(500)
      expect((await client.get("/v1/company")).status).toBe(200)
      expect(() => s.setFaults([{ kind: "slow", rate: 2, delayMs: 1 }])).toThrow(/rate/)
      expect(() => s.setFaults([{ kind: "reset" } as FaultRule])).toThrow(/at or rate/)
    } finally {
      await s.close()
    }
  })
})
