/** `scopes` and `catalog-entry` of the built CLI: the scope algebra on the command line, and the registration document. */
import { beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, hasStackTrace, runCli } from "../../test-support/cliHarness.js"

beforeAll(() => ensureBuilt(), 120_000)

const scopes = async (...args: Array<string>) => {
  const result = await runCli(["scopes", ...args])
  expect(result.stderr).toBe("")
  expect(result.code).toBe(0)
  return result.stdout.replace(/\n$/, "")
}

describe("scopes", () => {
  it("the default presets when nothing is selected; presets and actions combined, minimal or closed", async () => {
    const cases: Array<[Array<string>, string]> = [
      [[], "company.detail:read member.detail:read member.employment:read time_off:read"],
      [["--preset", "payroll_and_paystubs", "--action", "get_member_tax_id"], "member.tax_id:read payroll:read paystub:read"],
      [["--preset", "deductions", "--preset", "company_information"], "company.detail:read deductions:write"],
      [["--preset", "deductions", "--closure"], "deductions:read deductions:write"],
      [["--action", "list_company_jurisdictions", "--action", "get_company"], "company.detail:read member.detail:read"]
    ]
    const outputs = await Promise.all(cases.map(([args]) => scopes(...args)))
    expect(outputs).toEqual(cases.map(([, expected]) => expected))
  })

  it("each delimiter", async () => {
    const selection = ["--preset", "sensitive_member_data"]
    const cases: Array<[string, string]> = [
      ["space", "member.dob:read member.sex:read member.tax_id:read"],
      ["comma", "member.dob:read,member.sex:read,member.tax_id:read"],
      ["semicolon", "member.dob:read;member.sex:read;member.tax_id:read"],
      ["pipe", "member.dob:read|member.sex:read|member.tax_id:read"],
      ["newline", "member.dob:read\nmember.sex:read\nmember.tax_id:read"]
    ]
    const outputs = await Promise.all(cases.map(([delimiter]) => scopes(...selection, "--delimiter", delimiter)))
    expect(outputs).toEqual(cases.map(([, expected]) => expected))
  })

  it("an unknown preset or action: one line listing the valid names, non-zero exit", async () => {
    const [preset, action] = await Promise.all([
      runCli(["scopes", "--preset", "payroll"]),
      runCli(["scopes", "--action", "delete_everything"])
    ])
    expect(preset.code).toBe(1)
    expect(preset.stdout).toBe("")
    expect(preset.stderr.trim()).toBe(
      'justworks-connector: unknown preset "payroll"; valid presets: company_information, member_information, employment_data, time_off, payroll_and_paystubs, compensation, deductions, sensitive_member_data, company_bank_account'
    )
    expect(action.code).toBe(1)
    expect(action.stderr.trim()).toMatch(/^justworks-connector: unknown action "delete_everything"; valid actions: get_company, .*simulate_webhook$/)
    expect(hasStackTrace(preset.stderr + action.stderr)).toBe(false)
  })
})

describe("catalog-entry", () => {
  it("names the connector, its OAuth URLs and redirect templates, scopes, presets, actions, healthchecks and streams", async () => {
    const result = await runCli(["catalog-entry"])
    expect(result.code).toBe(0)
    const entry = JSON.parse(result.stdout)
    expect(entry).toMatchObject({
      name: "justworks",
      auth: {
        type: "oauth2_authorization_code",
        token_url: "https://public-api.justworks.com/oauth/token",
        redirect_uri_templates: { loopback: "http://127.0.0.1:{port}/justworks/oauth/callback" }
      }
    })
    expect(entry.scopes.find((s: { name: string }) => s.name === "member.basic:read")).toMatchObject({
      includes: [],
      implied_by: ["member.detail:read"]
    })
    expect(entry.presets.filter((p: { default: boolean }) => p.default).map((p: { name: string }) => p.name)).toEqual(entry.default_presets)
    expect(entry.actions).toHaveLength(25)
    expect(entry.healthchecks).toHaveLength(4)
    expect(entry.streams.find((s: { name: string }) => s.name === "members")).toMatchObject({
      supported_sync_modes: ["full_refresh", "incremental"],
      cursor_field: "updated_at"
    })
    expect(entry.streams.find((s: { name: string }) => s.name === "paystubs").scopes).toEqual(["payroll:read", "paystub:read"])
  })
})
