/** Every operation of the spec answers as the spec says (bodies validated with Ajv against the spec). */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { makeSpecValidator } from "../contract-tests/support/specValidator.js"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, type TestResponse, testClient } from "./testClient.js"

const spec = makeSpecValidator()
let server: MockServer
let api: TestClient
let token: string

beforeAll(async () => {
  server = await startMockServer({ seed: 11, members: 60, now: () => Date.parse("2026-03-20T12:00:00Z"), reportReadyAfterPolls: 0 })
  token = server.issueTokens(server.scopes).access_token
  api = testClient(server, token)
})
afterAll(() => server.close())

const expectValid = (operationId: string, r: TestResponse) => {
  expect(spec.validateResponse(operationId, r.status, r.body), `${operationId} ${r.status} ${r.text.slice(0, 300)}`).toEqual([])
}

describe("every operation", () => {
  const firstMember = () => server.store.memberId(0)
  const lastPayroll = () => server.store.payrolls().at(-1)?.["id"] as string
  const calls: Record<string, () => Promise<TestResponse>> = {
    get_company: () => api.get("/v1/company"),
    get_company_bank_account: () => api.get("/v1/company/bank-account"),
    get_company_business_info: () => api.get("/v1/company/business-info"),
    list_company_custom_fields: () => api.get("/v1/company/custom-fields?limit=2"),
    list_company_jurisdictions: () => api.get("/v1/company/jurisdictions"),
    list_members: () => api.get("/v1/members?limit=5&status=active&updated_at_gte=2020-01-01T00:00:00Z"),
    get_member: () => api.get(`/v1/members/${firstMember()}`),
    list_member_custom_field_values: () => api.get(`/v1/members/${firstMember()}/custom-field-values?limit=2`),
    get_member_tax_id: async () => {
      const domestic = Array.from({ length: server.store.memberCount }, (_, i) => server.store.member(i)!)
        .find((m) => m["employment_location_type"] === "domestic")!
      return api.get(`/v1/members/${domestic["id"]}/tax-id`)
    },
    list_payrolls: () => api.get("/v1/payrolls?start_date=2025-01-01&end_date=2025-06-30&limit=4"),
    list_payroll_fees: () => api.get(`/v1/payrolls/${lastPayroll()}/fees?limit=5`),
    list_payroll_paystubs: () => api.get(`/v1/payrolls/${lastPayroll()}/paystubs?limit=5`),
    get_paystub: () => api.get(`/v1/paystubs/${server.store.paystubIds(lastPayroll())[0]}`),
    list_deduction_types: () => api.get("/v1/deduction-types"),
    list_deductions: () => api.get("/v1/deductions?limit=3"),
    create_deductions: () => api.send("POST", "/v1/deductions", {
      items: [{ operation_id: "ops-1", member_id: firstMember(), deduction_type_code: "EQUIPMENT", description: "Laptop", amount_type: "fixed", amount: 2500, currency: "USD", frequency: "every_paycheck", start_date: "2026-04-01" }]
    }),
    update_deductions: () => api.send("PUT", "/v1/deductions", { items: [{ deduction_id: server.store.deductions()[0]!.id, amount: 1999 }] }),
    cancel_deductions: () => api.send("PATCH", "/v1/deductions/cancel", { deduction_ids: [server.store.deductions()[1]!.id] }),
    create_time_off_balances_report: () => api.send("POST", "/v1/time-off/balances", {
      member_id: firstMember(), policy_id: server.store.timeOffPolicies()[0]!.id, as_of_date: "2026-03-01"
    }),
    get_time_off_balances_report: async () => {
      const created = await api.send("POST", "/v1/time-off/balances", { member_id: firstMember(), policy_id: server.store.timeOffPolicies()[0]!.id, as_of_date: "2026-03-01" })
      return api.get(`/v1/time-off/balances/${created.body.report_id}`)
    },
    list_time_off_policies: () => api.get("/v1/time-off/policies?status=active"),
    list_time_off_requests: () => api.get("/v1/time-off/requests?start_date=2025-06-01&end_date=2025-08-31&limit=10"),
    list_webhooks: () => api.send("POST", "/v1/webhooks/get"),
    resume_webhook: () => api.send("POST", `/v1/webhooks/${server.store.webhooks()[1]!.id}/resume`),
    simulate_webhook: () => api.send("POST", `/v1/webhooks/${server.store.webhooks()[0]!.id}/simulate`, { url_override: "https://staging.example.com/hook", payload_override: { event_type: "member.profile.updated", data: {} } }),
    exchange_token: async () => {
      const redirect = await fetch(`${server.url}/oauth/authorize?client_id=mock-client-id&redirect_uri=${encodeURIComponent("http://127.0.0.1:9/cb")}&scope=member.basic:read&state=s&response_type=code`, { redirect: "manual" })
      const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!
      return api.form("/oauth/token", { grant_type: "authorization_code", client_id: "mock-client-id", client_secret: "mock-client-secret", code, redirect_uri: "http://127.0.0.1:9/cb" })
    },
    revoke_token: () => api.form("/v1/oauth/revoke", { client_id: "mock-client-id", client_secret: "mock-client-secret", token: server.issueTokens(["payroll:read"]).refresh_token, token_type_hint: "refresh_token" })
  }

  it("covers the 27 operations of the spec", () => {
    expect(spec.operations.map((o) => o.operationId).sort()).toEqual(Object.keys(calls).sort())
    expect(Object.keys(calls)).toHaveLength(27)
  })

  for (const [operationId, call] of Object.entries(calls)) {
    it(`${operationId} answers a valid request as the spec says`, async () => {
      const r = await call()
      expect([200, 202]).toContain(r.status)
      expectValid(operationId, r)
      if (r.body !== undefined && "items" in r.body && "next_cursor" in r.body) expect(r.body.items.length).toBeGreaterThan(0)
    })
  }
})

describe("error bodies follow the spec", () => {
  it("401 without a token, with an unknown token", async () => {
    for (const operationId of ["get_company", "list_members", "create_deductions"]) {
      const op = spec.operation(operationId)
      const path = op.path.replace("{member_id}", server.store.memberId(0))
      const noToken = await fetch(server.url + path, { method: op.method })
      const body = await noToken.json()
      expect(noToken.status).toBe(401)
      expect(spec.validateResponse(operationId, 401, body)).toEqual([])
      const bad = await api.send(op.method, path, undefined, "at_not_a_token")
      expect(bad.status).toBe(401)
      expect(bad.body.error.code).toBe("invalid_token")
      expectValid(operationId, bad)
    }
  })

  it("403 names the missing scope(s)", async () => {
    const weak = server.issueTokens(["member.basic:read"]).access_token
    const tax = await api.get(`/v1/members/${server.store.memberId(0)}/tax-id`, weak)
    expect(tax.status).toBe(403)
    expect(tax.body.error.required_scopes).toEqual(["member.tax_id:read"])
    expectValid("get_member_tax_id", tax)
    const companyOnly = server.issueTokens(["company.detail:read"]).access_token
    const jurisdictions = await api.get("/v1/company/jurisdictions", companyOnly)
    expect(jurisdictions.status).toBe(403)
    expect(jurisdictions.body.error.required_scopes).toEqual(["member.detail:read"])
    expectValid("list_company_jurisdictions", jurisdictions)
  })

  it("scope implications are honoured", async () => {
    const detail = server.issueTokens(["company.detail:read", "member.detail:read", "deductions:write"]).access_token
    expect((await api.get("/v1/company", detail)).status).toBe(200)
    expect((await api.get("/v1/members?limit=1", detail)).status).toBe(200)
    expect((await api.get("/v1/deductions?limit=1", detail)).status).toBe(200)
    expect((await api.get("/v1/company/jurisdictions", detail)).status).toBe(200)
    const basic = server.issueTokens(["deductions:read"]).access_token
    const write = await api.send("PATCH", "/v1/deductions/cancel", { deduction_ids: ["x"] }, basic)
    expect(write.status).toBe(403)
    expect(write.body.error.required_scopes).toEqual(["deductions:write"])
  })

  it("404 for unknown ids", async () => {
    const cases: Array<[string, string, string]> = [
      ["get_member", "GET", "/v1/members/00000000-0000-4000-8000-000000000000"],
      ["list_member_custom_field_values", "GET", "/v1/members/nope/custom-field-values"],
      ["list_payroll_fees", "GET", "/v1/payrolls/nope/fees"],
      ["list_payroll_paystubs", "GET", `/v1/payrolls/${server.store.memberId(0)}/paystubs`],
      ["get_paystub", "GET", "/v1/paystubs/nope"],
      ["get_time_off_balances_report", "GET", "/v1/time-off/balances/nope"],
      ["resume_webhook", "POST", "/v1/webhooks/nope/resume"],
      ["simulate_webhook", "POST", "/v1/webhooks/nope/simulate"]
    ]
    for (const [operationId, method, path] of cases) {
      const r = await api.send(method, path)
      expect(r.status, path).toBe(404)
      expect(r.body.error.code).toBe("not_found")
      expectValid(operationId, r)
    }
  })

  it("422 names the offending parameter", async () => {
    const cases: Array<[string, string, string]> = [
      ["list_members", "/v1/members?limit=0", "limit"],
      ["list_members", "/v1/members?limit=101", "limit"],
      ["list_members", "/v1/members?cursor=garbage", "cursor"],
      ["list_members", "/v1/members?updated_at_gte=yesterday", "updated_at_gte"],
      ["list_members", "/v1/members?status=retired", "status"],
      ["list_payrolls", "/v1/payrolls?end_date=2025-01-01", "start_date"],
      ["list_time_off_requests", "/v1/time-off/requests?start_date=2025-02-30&end_date=2025-03-01", "start_date"],
      ["list_deductions", "/v1/deductions?frequency=weekly", "frequency"]
    ]
    for (const [operationId, path, field] of cases) {
      const r = await api.get(path)
      expect(r.status, path).toBe(422)
      expect(r.body.error.details.map((d: { field: string }) => d.field), path).toContain(field)
      expectValid(operationId, r)
    }
  })

  it("400 for an international contractor's tax id, 404 for an international employee's", async () => {
    const big = await startMockServer({ seed: 11, members: 400 })
    try {
      const client = testClient(big, big.issueTokens(["member.tax_id:read"]).access_token)
      const all = Array.from({ length: big.store.memberCount }, (_, i) => big.store.member(i)!)
      const contractor = all.find((m) => m["type"] === "contractor" && m["employment_location_type"] === "international")!
      const employee = all.find((m) => m["type"] === "employee" && m["employment_location_type"] === "international")!
      const r400 = await client.get(`/v1/members/${contractor["id"]}/tax-id`)
      expect(r400.status).toBe(400)
      expectValid("get_member_tax_id", r400)
      const r404 = await client.get(`/v1/members/${employee["id"]}/tax-id`)
      expect(r404.status).toBe(404)
      expectValid("get_member_tax_id", r404)
    } finally {
      await big.close()
    }
  })

  it("429 from a rate_limit fault", async () => {
    server.setFaults([{ kind: "rate_limit", at: [1], retryAfter: { seconds: 3 } }])
    try {
      const r = await api.get("/v1/company")
      expect(r.status).toBe(429)
      expect(r.headers.get("retry-after")).toBe("3")
      expectValid("get_company", r)
    } finally {
      server.setFaults([])
    }
  })

  it("OAuth errors use the RFC 6749 body", async () => {
    const badClient = await api.form("/oauth/token", { grant_type: "refresh_token", client_id: "mock-client-id", client_secret: "wrong", refresh_token: "x" })
    expect(badClient.status).toBe(401)
    expect(badClient.body.error).toBe("invalid_client")
    expectValid("exchange_token", badClient)
    const badGrant = await api.form("/oauth/token", { grant_type: "refresh_token", client_id: "mock-client-id", client_secret: "mock-client-secret", refresh_token: "rt_unknown" })
    expect(badGrant.status).toBe(400)
    expect(badGrant.body.error).toBe("invalid_grant")
    expectValid("exchange_token", badGrant)
    const unsupported = await api.form("/oauth/token", { grant_type: "password", client_id: "mock-client-id", client_secret: "mock-client-secret" })
    expect(unsupported.body.error).toBe("unsupported_grant_type")
    expectValid("exchange_token", unsupported)
    const revoke = await api.form("/v1/oauth/revoke", { client_id: "mock-client-id", client_secret: "mock-client-secret" })
    expect(revoke.status).toBe(400)
    expectValid("revoke_token", revoke)
  })
})
