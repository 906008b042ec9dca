import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { closure } from "../scopes/ScopeAlgebra.js"
import { loadManifest } from "./loadManifest.js"
import { streamsOf } from "./streams.js"
import { loadProjectManifest, projectFile } from "../../test-support/projectManifest.js"

const { manifest, spec } = loadProjectManifest()

describe("connector.yaml", () => {
  it("declares the 15 scopes with descriptions and the 3 implications of the seeds", () => {
    expect(Object.keys(manifest.scopes)).toEqual([
      "company.basic:read", "company.detail:read", "company.bank_account:read",
      "member.basic:read", "member.detail:read", "member.dob:read", "member.sex:read",
      "member.employment:read", "member.pay:read", "member.tax_id:read",
      "payroll:read", "paystub:read", "deductions:read", "deductions:write", "time_off:read"
    ])
    const implications = Object.entries(manifest.scopes).flatMap(([s, d]) => (d.includes ?? []).map((i) => `${s} ⊃ ${i}`))
    expect(implications).toEqual([
      "company.detail:read ⊃ company.basic:read",
      "member.detail:read ⊃ member.basic:read",
      "deductions:write ⊃ deductions:read"
    ])
  })

  it("declares the 9 presets, 4 of them on by default", () => {
    const presets = Object.values(manifest.presets).map((p) => [p.title, p.scopes.join(" "), p.default])
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

  it("declares the 21 actions of the seeds with their scopes, plus 4 more", () => {
    const actions = Object.fromEntries(Object.entries(manifest.actions).map(([id, a]) => [id, a.scopes.join(" ")]))
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

  it("declares the 4 healthchecks of the seeds with their scopes", () => {
    expect(manifest.healthchecks.map((h) => [h.name, h.scopes.join(" ")])).toEqual([
      ["Get Company Information", "company.basic:read"],
      ["List Company Members", "member.basic:read"],
      ["List Company Departments", "company.detail:read"],
      ["List Time Off Policies", "time_off:read"]
    ])
  })

  it("accounts for all 27 operations of the OpenAPI description", () => {
    expect(spec.operations).toHaveLength(27)
    const endpointIds = new Set(Object.keys(manifest.endpoints))
    const byAuth = ["exchange_token", "revoke_token"]
    const unaccounted = spec.operations
      .map((o) => o.operationId)
      .filter((id) => !endpointIds.has(id) && !byAuth.includes(id) && manifest.excluded_operations[id] === undefined)
    expect(unaccounted).toEqual([])
    expect(endpointIds.size).toBe(25)
  })

  it("derives departments and offices out of the company record, gated by company.detail:read", () => {
    const streams = new Map(streamsOf(manifest).map((s) => [s.name, s]))
    for (const name of ["departments", "offices"]) {
      const stream = streams.get(name)!
      expect(stream.endpoint.path).toBe("/v1/company")
      expect(stream.derivedFrom).toBe("company")
      expect(closure(manifest, ["company.detail:read"])).toEqual(expect.arrayContaining([...stream.scopes]))
      expect(closure(manifest, ["company.basic:read"])).not.toEqual(expect.arrayContaining([...stream.scopes]))
    }
  })

  it("feeds substreams from their parents", () => {
    const parents = Object.fromEntries(
      streamsOf(manifest).filter((s) => s.endpoint.parent).map((s) => [s.name, `${s.endpoint.parent!.stream}.${s.endpoint.parent!.field} → {${s.endpoint.parent!.param}}`])
    )
    expect(parents).toEqual({
      member_custom_field_values: "members.id → {member_id}",
      payroll_fees: "payrolls.id → {payroll_id}",
      paystubs: "payrolls.id → {payroll_id}",
      paystub_details: "paystubs.paystub_id → {paystub_id}"
    })
  })

  it("declares the member fields that need more than member.basic:read", () => {
    const member = manifest.field_scopes["Member"]!
    expect(member["date_of_birth"]).toBe("member.dob:read")
    expect(member["sex_assigned_at_birth"]).toBe("member.sex:read")
    expect(member["current_pay"]).toBe("member.pay:read")
    expect(member["employment_history"]).toBe("member.employment:read")
  })

  it("loads from disk with the OpenAPI file it names", () =>
    Effect.gen(function*() {
      const loaded = yield* loadManifest(projectFile("connector.yaml"))
      expect(loaded.spec.operations).toHaveLength(27)
      expect(Duration.toHours(loaded.manifest.auth.access_token_lifetime)).toBe(24)
      expect(Duration.toDays(loaded.manifest.auth.refresh_token_lifetime)).toBe(30)
    }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise))

  it("reports a missing manifest file as unreadable, naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(loadManifest("no-such-dir/connector.yaml"))
      expect(error.reason).toBe("Unreadable")
      expect(error.message).toContain("no-such-dir/connector.yaml")
    }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise))
})
