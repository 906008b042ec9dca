import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { closure, covers, defaultPresets, minimal, minimalScopesFor, presetsGranting, scopeClosureFor } from "./ScopeAlgebra.js"

const manifest = loadProjectConnector().scopeGraph
const right = <A, E>(e: Either.Either<A, E>): A => Either.getOrThrow(e)

describe("scope algebra", () => {
  it("selects the default presets when nothing is chosen, minimised in declaration order", () => {
    expect(defaultPresets(manifest)).toEqual(["company_information", "member_information", "employment_data", "time_off"])
    expect(right(minimalScopesFor(manifest, {}))).toEqual([
      "company.detail:read", "member.detail:read", "member.employment:read", "time_off:read"
    ])
    expect(right(scopeClosureFor(manifest, {}))).toEqual([
      "company.basic:read", "company.detail:read", "member.basic:read", "member.detail:read", "member.employment:read", "time_off:read"
    ])
  })

  it("drops a scope implied by another one", () => {
    expect(minimal(manifest, ["deductions:read", "deductions:write"])).toEqual(["deductions:write"])
    expect(minimal(manifest, ["member.basic:read", "company.basic:read"])).toEqual(["company.basic:read", "member.basic:read"])
    expect(closure(manifest, ["deductions:write"])).toEqual(["deductions:read", "deductions:write"])
  })

  it("combines presets and actions", () => {
    const scopes = right(minimalScopesFor(manifest, { presets: ["payroll_and_paystubs"], actions: ["list_company_jurisdictions", "list_deductions", "create_deductions"] }))
    expect(scopes).toEqual(["company.detail:read", "member.detail:read", "payroll:read", "paystub:read", "deductions:write"])
    expect(right(minimalScopesFor(manifest, { actions: ["get_company", "get_company_business_info"] }))).toEqual(["company.detail:read"])
  })

  it("rejects unknown presets and actions, listing the valid ones", () => {
    const preset = minimalScopesFor(manifest, { presets: ["payroll"] })
    expect(Either.isLeft(preset) && preset.left.message).toMatch(/unknown preset "payroll"; valid presets: .*payroll_and_paystubs/)
    const action = minimalScopesFor(manifest, { actions: ["delete_member"] })
    expect(Either.isLeft(action) && action.left.message).toMatch(/unknown action "delete_member"; valid actions: get_company, /)
  })

  it("decides coverage through implications", () => {
    expect(covers(manifest, ["company.detail:read"], ["company.basic:read"])).toBe(true)
    expect(covers(manifest, ["company.basic:read"], ["company.detail:read"])).toBe(false)
    expect(covers(manifest, ["time_off:read"], [])).toBe(true)
  })

  it("names the presets that grant a scope", () => {
    expect(presetsGranting(manifest, "company.basic:read")).toEqual(["company_information"])
    expect(presetsGranting(manifest, "deductions:read")).toEqual(["deductions"])
    expect(presetsGranting(manifest, "member.tax_id:read")).toEqual(["sensitive_member_data"])
  })
})
