/** Required date ranges, balance reports, deduction writes (idempotency, per-item results) and webhooks. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, testClient } from "./testClient.js"

let server: MockServer
let api: TestClient

beforeAll(async () => {
  server = await startMockServer({ seed: 8, members: 90, now: () => Date.parse("2026-03-20T12:00:00Z") })
  api = testClient(server, server.issueTokens(server.scopes).access_token)
})
afterAll(() => server.close())

const activeMember = () => {
  for (let i = 0; ; i++) if (server.store.member(i)!["active"] === true) return server.store.memberId(i)
}
const terminatedMember = () => {
  for (let i = 0; ; i++) if (server.store.member(i)!["active"] === false) return server.store.memberId(i)
}
const newDeduction = (operationId: string, memberId: string, extra: Record<string, unknown> = {}) => ({
  operation_id: operationId, member_id: memberId, deduction_type_code: "LOAN_REPAYMENT", description: "Relocation advance",
  amount_type: "fixed", amount: 150_000, currency: "USD", frequency: "one_time", start_date: "2026-04-15", ...extra
})

describe("required date ranges", () => {
  for (const path of ["/v1/payrolls", "/v1/time-off/requests"]) {
    it(`${path} needs start_date and end_date`, async () => {
      const none = await api.get(path)
      expect(none.status).toBe(422)
      expect(none.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["end_date", "start_date"])
      const onlyStart = await api.get(`${path}?start_date=2025-01-01`)
      expect(onlyStart.body.error.details.map((d: { field: string }) => d.field)).toEqual(["end_date"])
      const invalid = await api.get(`${path}?start_date=2025-13-01&end_date=2025-12-31`)
      expect(invalid.body.error.details[0]).toMatchObject({ field: "start_date", location: "query" })
      const reversed = await api.get(`${path}?start_date=2025-06-01&end_date=2025-05-01`)
      expect(reversed.status).toBe(422)
      expect(reversed.body.error.details[0].field).toBe("end_date")
      expect((await api.get(`${path}?start_date=2025-05-01&end_date=2025-05-01`)).status).toBe(200)
    })
  }
})

describe("time-off balance reports", () => {
  it("are pending for the first polls, then ready with paginated items", async () => {
    const policy = server.store.timeOffPolicies()[0]!.id
    const created = await api.send("POST", "/v1/time-off/balances", { member_id: activeMember(), policy_id: policy, as_of_date: "2026-03-01" })
    expect(created.status).toBe(202)
    expect(created.body.status).toBe("pending")
    const poll = () => api.get(`/v1/time-off/balances/${created.body.report_id}?limit=1`)
    expect((await poll()).body).toEqual({ report_id: created.body.report_id, status: "pending", message: null })
    expect((await poll()).body.status).toBe("pending")
    const ready = await poll()
    expect(ready.body).toMatchObject({ report_id: created.body.report_id, status: "ready", message: null, next_cursor: null })
    expect(ready.body.items).toHaveLength(1)
    expect(ready.body.items[0]).toMatchObject({ member_id: activeMember(), policy_id: policy, unit_type: "hours" })
  })

  it("validate the request body and 404 unknown reports", async () => {
    const bad = await api.send("POST", "/v1/time-off/balances", { member_id: "nobody", as_of_date: "soon" })
    expect(bad.status).toBe(422)
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(["member_id", "policy_id", "as_of_date"])
    expect((await api.get("/v1/time-off/balances/00000000-0000-4000-8000-000000000000")).status).toBe(404)
  })
})

describe("deduction writes", () => {
  it("create: per-item results, persisted, idempotent by operation_id", async () => {
    const before = server.store.counts().deductions
    const member = activeMember()
    const first = await api.send("POST", "/v1/deductions", {
      items: [
        newDeduction("op-a", member),
        newDeduction("op-b", "00000000-0000-4000-8000-000000000000"),
        newDeduction("op-c", member, { amount: 0 }),
        newDeduction("op-d", terminatedMember()),
        newDeduction("op-e", member, { deduction_type_code: "NOPE", frequency: "every_paycheck", end_date: null })
      ]
    })
    expect(first.status).toBe(200)
    const results = first.body.items
    expect(results.map((r: { success: boolean }) => r.success)).toEqual([true, false, false, false, false])
    expect(results.map((r: { operation_id: string }) => r.operation_id)).toEqual(["op-a", "op-b", "op-c", "op-d", "op-e"])
    expect(results[1].error_message).toMatch(/No member/)
    expect(results[2].error_message).toMatch(/amount/)
    expect(results[3].error_message).toMatch(/terminated/)
    expect(results[4].error_message).toMatch(/deduction_type_code/)
    expect(results.slice(1).every((r: { deduction_id: string | null }) => r.deduction_id === null)).toBe(true)
    const id = results[0].deduction_id as string
    expect(server.store.writtenDeductions()).toHaveLength(1)
    expect(server.store.writtenDeductions()[0]).toMatchObject({ id, member_id: member, amount: 150_000, operation_id: "op-a", canceled: false })

    const retry = await api.send("POST", "/v1/deductions", { items: [newDeduction("op-a", member), newDeduction("op-f", member, { amount: 999 })] })
    expect(retry.body.items[0]).toEqual({ deduction_id: id, member_id: member, operation_id: "op-a", success: true, error_message: null })
    expect(retry.body.items[1].success).toBe(true)
    expect(server.store.writtenDeductions()).toHaveLength(2)
    expect(server.store.counts().deductions).toBe(before + 2)
    const listed = await api.all(`/v1/deductions?member_id=${member}`)
    expect(listed.map((d) => d.id)).toEqual(expect.arrayContaining([id, retry.body.items[1].deduction_id]))
  })

  it("rejects malformed batches as a whole with 422", async () => {
    for (const body of [{}, { items: [] }, { items: "x" }, { items: Array.from({ length: 101 }, (_, i) => newDeduction(`x${i}`, activeMember())) }]) {
      const r = await api.send("POST", "/v1/deductions", body)
      expect(r.status).toBe(422)
      expect(r.body.error.details[0].field).toBe("items")
    }
    const notJson = await fetch(`${server.url}/v1/deductions`, { method: "POST", headers: { authorization: `Bearer ${server.issueTokens(["deductions:write"]).access_token}`, "content-type": "application/json" }, body: "{oops" })
    expect(notJson.status).toBe(422)
  })

  it("update: per-item results and changes visible in the list", async () => {
    const seeded = server.store.deductions()[2]!
    const r = await api.send("PUT", "/v1/deductions", {
      items: [
        { deduction_id: seeded.id, amount: 4321, end_date: "2027-01-31" },
        { deduction_id: "00000000-0000-4000-8000-000000000000", amount: 1 },
        { deduction_id: seeded.id, amount: -5 }
      ]
    })
    expect(r.body.items.map((i: { success: boolean }) => i.success)).toEqual([true, false, false])
    expect(r.body.items[0]).toEqual({ deduction_id: seeded.id, member_id: seeded.member_id, success: true, error_message: null })
    const listed = await api.all(`/v1/deductions?member_id=${seeded.member_id}`)
    expect(listed.find((d) => d.id === seeded.id)).toMatchObject({ amount: 4321, end_date: "2027-01-31" })
  })

  it("cancel: per-item results, already-canceled ones say so, canceled ones leave the list", async () => {
    const [a, b] = server.store.deductions().slice(3, 5)
    const first = await api.send("PATCH", "/v1/deductions/cancel", { deduction_ids: [a!.id, "nope"] })
    expect(first.status).toBe(200)
    expect(first.body.items.map((i: { success: boolean }) => i.success)).toEqual([true, false])
    const again = await api.send("PATCH", "/v1/deductions/cancel", { deduction_ids: [a!.id, b!.id] })
    expect(again.status).toBe(200)
    expect(again.body.items[0]).toMatchObject({ deduction_id: a!.id, success: false, error_message: "Deduction is already canceled." })
    expect(again.body.items[1]).toMatchObject({ deduction_id: b!.id, success: true })
    expect(server.store.deductions().filter((d) => d.canceled).map((d) => d.id)).toEqual([a!.id, b!.id])
    const listed = await api.all("/v1/deductions")
    expect(listed.some((d) => d.id === a!.id || d.id === b!.id)).toBe(false)
    expect(listed).toHaveLength(server.store.counts().deductions)
    const update = await api.send("PUT", "/v1/deductions", { items: [{ deduction_id: a!.id, amount: 100 }] })
    expect(update.body.items[0].error_message).toMatch(/canceled/)
  })
})

describe("webhooks", () => {
  it("list with a status filter, resume a closed one, record simulations", async () => {
    const all = await api.send("POST", "/v1/webhooks/get")
    expect(all.body.items).toHaveLength(3)
    const closed = await api.send("POST", "/v1/webhooks/get?status=closed")
    expect(closed.body.items).toHaveLength(1)
    const resumed = await api.send("POST", `/v1/webhooks/${closed.body.items[0].id}/resume`)
    expect(resumed.status).toBe(200)
    expect(resumed.text).toBe("")
    expect((await api.send("POST", "/v1/webhooks/get?status=closed")).body.items).toEqual([])
    const simulated = await api.send("POST", `/v1/webhooks/${all.body.items[0].id}/simulate`)
    expect(simulated.status).toBe(200)
    expect(server.store.webhookSimulations().at(-1)).toMatchObject({ webhook_id: all.body.items[0].id, url: all.body.items[0].url })
    const bad = await api.send("POST", `/v1/webhooks/${all.body.items[0].id}/simulate`, { url_override: "not a url" })
    expect(bad.status).toBe(422)
    expect(bad.body.error.details[0].field).toBe("url_override")
  })
})
