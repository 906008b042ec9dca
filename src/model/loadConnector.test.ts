import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { closure } from "../scopes/ScopeAlgebra.js"
import { loadConnector } from "./loadConnector.js"
import { loadProjectConnector, projectFile } from "../../test-support/projectManifest.js"

const connector = loadProjectConnector()
const { spec, scopeGraph: graph } = connector

describe("connector.yaml", () => {
  it("declares the 15 scopes with descriptions and the 3 implications of the seeds", () => {
    expect(Object.keys(graph.scopes)).toEqual([
      "company.basic:read", "company.detail:read", "company.bank_account:read",
      "member.basic:read", "member.detail:read", "member.dob:read", "member.sex:read",
      "member.employment:read", "member.pay:read", "member.tax_id:read",
      "payroll:read", "paystub:read", "deductions:read", "deductions:write", "time_off:read"
    ])
    const implications = Object.entries(graph.scopes).flatMap(([s, d]) => (d.includes ?? []).map((i) => `${s} ⊃ ${i}`))
    expect(implications).toEqual([
      "company.detail:read ⊃ company.basic:read",
      "member.detail:read ⊃ member.basic:read",
      "deductions:write ⊃ deductions:read"
    ])
  })

  it("declares the 9 presets, 4 of them on by default", () => {
    const presets = Object.values(graph.presets).map((p) => [p.title, p.scopes.join(" "), p.default])
    expect(presets).toEqual([
      ["Company Information", "company.basic:read company.detail:read", true],
      ["Member Information", "member.basic:read member.detail:read", true],
      ["Employment Data", "member.employment:read", true],
      ["Time Off", "time_off:read", true],
      ["Payroll & Paystubs", "payroll:read paystub:read", false],
      ["Compensation", "member.pay:read", false],
      ["Deductions (Read & Write)", "deductions:write", false],
      ["Sensitive Member Data", "member.dob:read member.sex:read member.tax_id:read", false],
      ["Company Bank Account", "company.bank_account:read", false]
    ])
  })

  it("declares the 21 actions of the seeds, plus 4 more, each with its endpoint's scopes", () => {
    const actions = Object.fromEntries([...connector.actions.values()].map((a) => [a.id, a.scopes.join(" ")]))
    expect(actions).toEqual({
      get_company: "company.basic:read",
      get_company_bank_account: "company.bank_account:read",
      get_company_business_info: "company.detail:read",
      list_company_custom_fields: "company.detail:read",
      list_company_jurisdictions: "company.detail:read member.detail:read",
      list_members: "member.basic:read",
      get_member: "member.basic:read",
      list_member_custom_field_values: "member.detail:read",
      get_member_tax_id: "member.tax_id:read",
      list_payrolls: "payroll:read",
      list_payroll_fees: "payroll:read",
      list_payroll_paystubs: "paystub:read",
      get_paystub: "paystub:read",
      list_deduction_types: "deductions:read",
      list_deductions: "deductions:read",
      create_deductions: "deductions:write",
      update_deductions: "deductions:write",
      cancel_deductions: "deductions:write",
      create_time_off_balances_report: "time_off:read",
      get_time_off_balances_report: "time_off:read",
      list_time_off_policies: "time_off:read",
      list_time_off_requests: "time_off:read",
      list_webhooks: "",
      resume_webhook: "",
      simulate_webhook: ""
    })
  })

  it("declares the 4 healthchecks of the seeds, each needing the scopes of the seeds", () => {
    expect(connector.healthchecks.map((h) => [h.name, h.scopes.join(" ")])).toEqual([
      ["Get Company Information", "company.basic:read"],
      ["List Company Members", "member.basic:read"],
      ["List Company Departments", "company.detail:read"],
      ["List Time Off Policies", "time_off:read"]
    ])
  })

  it("accounts for all 27 operations of the OpenAPI description", () => {
    expect(spec.operations).toHaveLength(27)
    const endpointIds = new Set(connector.endpoints.keys())
    const byAuth = ["exchange_token", "revoke_token"]
    const unaccounted = spec.operations
      .map((o) => o.operationId)
      .filter((id) => !endpointIds.has(id) && !byAuth.includes(id) && connector.excludedOperations[id] === undefined)
    expect(unaccounted).toEqual([])
    expect(endpointIds.size).toBe(25)
  })

  it("derives departments and offices out of the company record, gated by company.detail:read", () => {
    for (const name of ["departments", "offices"]) {
      const stream = connector.streamByName.get(name)!
      expect(stream.endpoint.path).toBe("/v1/company")
      expect(stream.derivedFrom).toBe("company")
      expect(closure(graph, ["company.detail:read"])).toEqual(expect.arrayContaining([...stream.scopes]))
      expect(closure(graph, ["company.basic:read"])).not.toEqual(expect.arrayContaining([...stream.scopes]))
    }
  })

  it("feeds substreams from their parents", () => {
    const parents = Object.fromEntries(connector.streams.flatMap((s) =>
      s.partitioning._tag === "Parent" ? [[s.name, `${s.partitioning.parent}.${s.partitioning.field} → {${s.partitioning.param}}`]] : []
    ))
    expect(parents).toEqual({
      member_custom_field_values: "members.id → {member_id}",
      payroll_fees: "payrolls.id → {payroll_id}",
      paystubs: "payrolls.id → {payroll_id}",
      paystub_details: "paystubs.paystub_id → {paystub_id}"
    })
  })

  it("leaves out the member fields a scope beyond member.basic:read grants", () => {
    const fields = (scopes: Array<string>) => Object.keys(connector.records.jsonSchema("members", scopes)["properties"] as object)
    const basic = fields(["member.basic:read"])
    for (const [field, scope] of [["date_of_birth", "member.dob:read"], ["sex_assigned_at_birth", "member.sex:read"], ["current_pay", "member.pay:read"], ["employment_history", "member.employment:read"]]) {
      expect(basic).not.toContain(field)
      expect(fields(["member.basic:read", scope!])).toContain(field)
    }
  })

  it("derives each endpoint's reference documentation from its operation", () => {
    expect(connector.endpoints.get("list_time_off_requests")!.docsUrl).toBe("https://public-api.justworks.com/v1/docs#tag/Time-Off/operation/list_time_off_requests")
    expect(connector.streamByName.get("departments")!.docsUrl).toBe("https://public-api.justworks.com/v1/docs#tag/Company/operation/get_company")
  })

  it("pages every stream whose operation takes the default paginator's cursor, and reads the others in one request", () => {
    const single = connector.streams.filter((s) => s.paginator === undefined).map((s) => s.name)
    expect(single).toEqual(["company", "departments", "offices", "company_bank_account", "company_business_info", "paystub_details"])
  })

  it("loads from disk with the OpenAPI file it names", () =>
    Effect.gen(function*() {
      const loaded = yield* loadConnector(projectFile("connector.yaml"))
      expect(loaded.spec.operations).toHaveLength(27)
      expect(Duration.toHours(loaded.auth.access_token_lifetime)).toBe(24)
      expect(Duration.toDays(loaded.auth.refresh_token_lifetime)).toBe(30)
    }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise))

  it("reports a missing manifest file as unreadable, naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(loadConnector("no-such-dir/connector.yaml"))
      expect(error.reason).toBe("Unreadable")
      expect(error.message).toContain("no-such-dir/connector.yaml")
    }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise))
})
