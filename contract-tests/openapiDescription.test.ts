/**
 * schemas/justworks.openapi.yaml is the contract both mocks are built from: it must pass a real OpenAPI
 * linter, be true OpenAPI 3.1, and hold what the connector and the harness rely on.
 */
import { createConfig, lintFromString } from "@redocly/openapi-core"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import * as YAML from "yaml"
import { loadProjectConnector, projectFile } from "../test-support/projectManifest.js"
import { makeSpecValidator, specPath } from "./support/specValidator.js"

const spec = makeSpecValidator()
const connector = loadProjectConnector()
const fieldScopes = YAML.parse(readFileSync(projectFile("connector.yaml"), "utf8")).field_scopes as Record<string, Record<string, string>>
const text = readFileSync(specPath, "utf8")

describe("schemas/justworks.openapi.yaml", () => {
  it("passes Redocly's recommended lint rules with no error and no warning", async () => {
    const config = await createConfig({ extends: ["recommended"] })
    const problems = await lintFromString({ source: text, absoluteRef: specPath, config })
    const shown = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} @ ${p.location[0]?.pointer ?? ""}`)
    expect(shown).toEqual([])
  }, 60_000)

  it("is true OpenAPI 3.1: dialect set, no `nullable`, all refs internal", () => {
    expect(spec.doc["openapi"]).toMatch(/^3\.1\./)
    expect(spec.doc["jsonSchemaDialect"]).toBe("https://spec.openapis.org/oas/3.1/dialect/base")
    expect(text).not.toMatch(/^\s*nullable:/m)
    expect(text).not.toMatch(/\$ref: (?!['"]?#)/)
  })

  it("has the 27 operations, each named by the manifest or used by auth", () => {
    const ids = spec.operations.map((o) => o.operationId)
    expect(ids).toHaveLength(27)
    expect(new Set(ids).size).toBe(27)
    expect(ids.sort()).toEqual([...connector.endpoints.keys(), "exchange_token", "revoke_token"].sort())
  })

  it("lists all 15 scopes with descriptions in its OAuth2 scheme", () => {
    const schemes = spec.doc["components"]["securitySchemes"]
    const flow = schemes["justworks_oauth"]["flows"]["authorizationCode"]
    expect(Object.keys(flow.scopes).sort()).toEqual(Object.keys(connector.scopeGraph.scopes).sort())
    for (const description of Object.values(flow.scopes)) expect(String(description).length).toBeGreaterThan(10)
  })

  it("lets the two OAuth operations authenticate with client credentials, not a bearer token", () => {
    expect(spec.operation("exchange_token").operation["security"]).toEqual([])
    expect(spec.operation("revoke_token").operation["security"]).toEqual([])
    expect(Object.keys(spec.operation("exchange_token").operation["requestBody"].content)).toEqual(["application/x-www-form-urlencoded"])
  })

  it("describes 401, 403, 422 and 429 on every API operation, and 404 where an id is in the path", () => {
    for (const op of spec.operations.filter((o) => !["exchange_token", "revoke_token"].includes(o.operationId))) {
      const codes = Object.keys(op.operation["responses"])
      expect(codes, op.operationId).toEqual(expect.arrayContaining(["401", "403", "422", "429"]))
      if (op.path.includes("{")) expect(codes, op.operationId).toContain("404")
    }
    const tooMany = spec.resolve(spec.doc["components"]["responses"]["TooManyRequests"])
    expect(Object.keys(tooMany.headers)).toContain("Retry-After")
  })

  it("gives every list response a first page with a cursor and a last page without, both valid", () => {
    let lists = 0
    for (const op of spec.operations) {
      for (const [status, raw] of Object.entries<any>(op.operation["responses"])) {
        const media = spec.resolve(raw).content?.["application/json"]
        if (media === undefined) continue
        const schema = spec.resolve(media.schema)
        const examples = Object.entries<any>(media.examples ?? {})
        expect(examples.length, `${op.operationId} ${status} has no named example`).toBeGreaterThan(0)
        if (status.startsWith("2") && schema?.properties?.next_cursor) {
          lists++
          expect(examples.map(([name]) => name), op.operationId).toEqual(["first_page", "last_page"])
          expect(media.examples.first_page.value.next_cursor, op.operationId).toEqual(expect.any(String))
          expect(media.examples.last_page.value.next_cursor, op.operationId).toBeNull()
        }
        for (const [name, example] of examples) {
          expect(spec.validateResponse(op.operationId, Number(status), spec.resolve(example).value), `${op.operationId} ${status} example ${name}`).toEqual([])
        }
      }
    }
    expect(lists).toBeGreaterThanOrEqual(13)
  })

  it("keeps money in integer cents", () => {
    const schemas = spec.doc["components"]["schemas"]
    for (const [name, field] of [["Payroll", "gross_pay"], ["PaystubSummary", "net_pay"], ["PayrollFee", "amount"]] as const) {
      expect(spec.resolve(schemas[name].properties[field]).type, `${name}.${field}`).toBe("integer")
    }
  })

  it("requires only id and updated_at on members: scope-gated fields may be absent", () => {
    const member = spec.doc["components"]["schemas"]["Member"]
    expect(member.required.sort()).toEqual(["id", "updated_at"])
    for (const field of Object.keys(fieldScopes["Member"]!)) expect(member.properties).toHaveProperty(field)
  })
})
