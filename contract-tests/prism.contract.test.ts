/**
 * Every operation against Prism's mock of schemas/justworks.openapi.yaml. Prism validates each request
 * (a violation is a 422 or an `sl-violations` header, and fails the test); what Prism does not check —
 * undeclared query parameters, response codes missing from the spec — is checked here.
 */
import { describe, expect, inject, it } from "@effect/vitest"
import { loadProjectConnector } from "../test-support/projectManifest.js"
import { exampleIds, operationRequests, send, type OperationRequest } from "./support/operationRequests.js"
import { makeSpecValidator } from "./support/specValidator.js"

const prismUrl = inject("prismUrl")
const spec = makeSpecValidator()
const connector = loadProjectConnector()
const requests = operationRequests(exampleIds)
const token = "contract-test-token"

const isList = (operationId: string) => {
  const ok = Object.entries<any>(spec.operation(operationId).operation["responses"]).find(([s]) => s.startsWith("2"))
  return spec.resolve(spec.resolve(ok?.[1])?.content?.["application/json"]?.schema)?.properties?.next_cursor !== undefined
}

const declaredStatus = (operationId: string, status: number) =>
  String(status) in spec.operation(operationId).operation["responses"]

describe("contract: Prism mock of the OpenAPI description", () => {
  it("has a contract request for every spec operation and every manifest endpoint", () => {
    const covered = Object.keys(requests).sort()
    expect(covered).toEqual(spec.operations.map((o) => o.operationId).sort())
    for (const endpoint of connector.endpoints.keys()) expect(covered).toContain(endpoint)
  })

  for (const [operationId, request] of Object.entries(requests)) {
    it(`${operationId}: ${request.method} ${request.path}`, async () => {
      const sentQuery = Object.keys(request.query ?? {})
      expect(spec.queryParameters(operationId)).toEqual(expect.arrayContaining(sentQuery))
      const headers = isList(operationId) ? { prefer: "example=last_page" } : undefined
      const response = await send(prismUrl, request, { token, ...(headers ? { headers } : {}) })
      expect(response.headers.get("sl-violations"), response.headers.get("sl-violations") ?? "").toBeNull()
      expect(response.status, response.text).toBeGreaterThanOrEqual(200)
      expect(response.status, response.text).toBeLessThan(300)
      expect(declaredStatus(operationId, response.status)).toBe(true)
      expect(spec.validateResponse(operationId, response.status, response.body)).toEqual([])
    })
  }
})

describe("contract: Prism judges requests", () => {
  const members = requests["list_members"]!

  it("rejects a page size the spec does not allow", async () => {
    const response = await send(prismUrl, { ...members, query: { limit: "500" } }, { token })
    expect(response.status).toBe(422)
  })

  it("rejects a payroll listing without its required date range", async () => {
    const response = await send(prismUrl, { ...requests["list_payrolls"]!, query: { limit: "10" } }, { token })
    expect(response.status).toBe(422)
  })

  it("rejects a deductions batch that breaks the request schema", async () => {
    const response = await send(prismUrl, { ...requests["create_deductions"]!, json: { items: [{ amount: "12.50" }] } }, { token })
    expect(response.status).toBe(422)
  })
})

describe("contract: pagination against a stateless mock terminates", () => {
  const request: OperationRequest = requests["list_members"]!

  it("follows next_cursor from the first page to the last through the named examples", async () => {
    const first = await send(prismUrl, request, { token, headers: { prefer: "example=first_page" } })
    const cursor = (first.body as { next_cursor: string | null }).next_cursor
    expect(cursor).toEqual(expect.any(String))
    const last = await send(prismUrl, { ...request, query: { ...request.query, cursor: cursor! } }, { token, headers: { prefer: "example=last_page" } })
    expect(last.headers.get("sl-violations")).toBeNull()
    expect((last.body as { next_cursor: string | null }).next_cursor).toBeNull()
  })

  it("static mode repeats the first page: a repeated cursor is detected instead of looping", async () => {
    const seen = new Set<string>()
    let cursor: string | undefined
    let pages = 0
    let repeated: string | undefined
    while (pages < 10) {
      const response = await send(prismUrl, { ...request, query: { ...request.query, ...(cursor ? { cursor } : {}) } }, { token })
      pages++
      const next = (response.body as { next_cursor: string | null }).next_cursor
      if (next === null) break
      if (seen.has(next)) {
        repeated = next
        break
      }
      seen.add(next)
      cursor = next
    }
    expect(repeated).toBeDefined()
    expect(pages).toBe(2)
  })
})

describe("contract: error responses the connector relies on", () => {
  const request = requests["get_company"]!

  it("no token → 401, as the spec declares", async () => {
    const response = await send(prismUrl, request)
    expect(response.status).toBe(401)
    expect(declaredStatus("get_company", 401)).toBe(true)
  })

  it("Prefer: code=403 → 403 whose body names the missing scope", async () => {
    const response = await send(prismUrl, request, { token, headers: { prefer: "code=403" } })
    expect(response.status).toBe(403)
    expect(declaredStatus("get_company", 403)).toBe(true)
    expect(spec.validateResponse("get_company", 403, response.body)).toEqual([])
    const scopes = (response.body as { error: { required_scopes?: Array<string> } }).error.required_scopes
    expect(scopes?.length).toBeGreaterThan(0)
    for (const scope of scopes!) expect(Object.keys(connector.scopeGraph.scopes)).toContain(scope)
  })

  it("Prefer: code=429 → 429 with Retry-After, as the spec declares", async () => {
    const response = await send(prismUrl, request, { token, headers: { prefer: "code=429" } })
    expect(response.status).toBe(429)
    expect(declaredStatus("get_company", 429)).toBe(true)
    expect(response.headers.get("retry-after")).toMatch(/^\d+$|GMT$/)
  })
})
