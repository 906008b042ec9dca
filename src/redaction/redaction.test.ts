/** The redaction of printed text, and the masking of sensitive fields in output meant for people. */
import { describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { maskSensitive, sensitiveFieldNames } from "./maskSensitive.js"
import { holdsSecret, redactCredentials, redactText, registerSecret } from "./redact.js"

describe("redactText", () => {
  it("hides registered secrets as given, URL-encoded and JSON-escaped, a refreshed token as soon as it is registered", () => {
    const secret = "cs_Rd8+x/y=\"q\""
    registerSecret(Redacted.make(secret))
    expect(redactText(`client_secret was ${secret}`)).toBe("client_secret was ***")
    expect(redactText(`form: a=1&b=${encodeURIComponent(secret)}`)).toBe("form: a=1&b=***")
    expect(redactText(JSON.stringify({ echoed: secret }))).toBe('{"echoed":"***"}')
    const refreshed = "at_refreshed_9f8e7d6c5b4a"
    expect(redactText(`token ${refreshed}`)).toBe(`token ${refreshed}`)
    registerSecret(refreshed)
    expect(redactText(`token ${refreshed}`)).toBe("token ***")
    expect(holdsSecret(`x${refreshed}x`)).toBe(true)
  })

  it("ignores values too short to be secrets (they would maul every message)", () => {
    registerSecret("s")
    registerSecret("   abc  ")
    expect(redactText("a short s and abc")).toBe("a short s and abc")
  })

  it("hides bearer tokens, authorization headers, URL userinfo and credential parameters it was never told about", () => {
    expect(redactText("401: Bearer eyJhbGciOi.J9xYz12.abc rejected")).toBe("401: Bearer *** rejected")
    expect(redactText("the bearer of this letter")).toBe("the bearer of this letter")
    expect(redactText("Bearer token expired")).toBe("Bearer token expired")
    expect(redactText('header "Authorization": "Basic bXk6c2VjcmV0"')).toBe('header "Authorization": "Basic ***"')
    expect(redactText("token endpoint https://app:p%40ss@auth.example.com/oauth/token: refused")).toBe(
      "token endpoint https://***@auth.example.com/oauth/token: refused"
    )
    expect(redactText("sent grant_type=refresh_token&refresh_token=rt_abc123&client_secret=xyz")).toBe(
      "sent grant_type=refresh_token&refresh_token=***&client_secret=***"
    )
    expect(redactText('{"access_token":"at_1","refresh_token": "rt_2"}')).toBe('{"access_token":"***","refresh_token": "***"}')
    expect(redactText("revoke token=tok_99&token_type_hint=access_token")).toBe("revoke token=***&token_type_hint=access_token")
  })

  it("masks SSN-shaped numbers in messages, leaving dates, ids and amounts", () => {
    expect(redactText("member 123-45-6789 born 1984-02-11, id 3ad0ea2d-ca4b-4ca4, 123456789 cents")).toBe(
      "member ***-**-**** born 1984-02-11, id 3ad0ea2d-ca4b-4ca4, 123456789 cents"
    )
    expect(redactCredentials("member 123-45-6789")).toBe("member 123-45-6789")
  })
})

describe("maskSensitive", () => {
  const names = sensitiveFieldNames(loadProjectConnector().sensitiveFields)

  it("masks the manifest's sensitive fields and taxpayer numbers at any depth, whatever their JSON type", () => {
    expect([...names].sort()).toEqual(
      ["account_number_tail", "date_of_birth", "itin", "sex_assigned_at_birth", "social_security_number", "ssn", "tax_id"].sort()
    )
    const member = {
      id: "m1",
      date_of_birth: "1984-02-11",
      sex_assigned_at_birth: null,
      notes: ["SSN on file: 123-45-6789"],
      US: { ssn: 123456789, ITIN: "9xx-70-1234" },
      company: { tax_id: "84-2719035", bank: { account_number_tail: 6623 } }
    }
    expect(maskSensitive({ items: [member] }, names)).toEqual({
      items: [{
        id: "m1",
        date_of_birth: "***",
        sex_assigned_at_birth: null,
        notes: ["SSN on file: ***-**-****"],
        US: { ssn: "***-**-6789", ITIN: "***-**-1234" },
        company: { tax_id: "***", bank: { account_number_tail: "***" } }
      }]
    })
  })
})
