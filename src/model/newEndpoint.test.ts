/**
 * Adding an endpoint is a manifest edit, not code (docs/architecture.md walks through it): a new operation in a
 * copy of the OpenAPI description, a new endpoint block in a copy of connector.yaml, and the library reads the
 * new stream from the mock, which answers the operation with the example of its response.
 */
import { describe, expect, it } from "@effect/vitest"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Chunk, Effect, Either, Redacted, Stream } from "effect"
import { mockServer } from "../../mocks/mockServer.js"
import { manifestText, projectFile, specFile } from "../../test-support/projectManifest.js"
import type { StreamName } from "../generated/manifestNames.js"
import { Justworks } from "../Justworks.js"
import { loadConnector } from "./loadConnector.js"

/** The operation, as its section of the OpenAPI description is written. */
const operation = `  /v1/company/locations:
    get:
      tags:
        - Company
      summary: List company locations
      description: Returns the company's work locations page by page.
      operationId: list_company_locations
      security:
        - justworks_oauth:
            - company.detail:read
      parameters:
        - $ref: "#/components/parameters/Cursor"
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: One page of locations.
          content:
            application/json:
              schema:
                type: object
                required: [items, next_cursor]
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      required: [id, name]
                      properties:
                        id: { type: string }
                        name: { type: string }
                        remote: { type: boolean }
                  next_cursor:
                    type: [string, "null"]
              examples:
                only_page:
                  value:
                    items:
                      - { id: loc-1, name: Head office, remote: false }
                      - { id: loc-2, name: Anywhere, remote: true }
                    next_cursor: null
`

/** The endpoint block added to connector.yaml: everything else (paginator, docs, primary key) is defaulted. */
const endpoint = `  list_company_locations:
    path: /v1/company/locations
    scopes: [company.detail:read]
    stream: company_locations
`

const withCopies = <A>(body: (dir: string) => Promise<A>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), "jwc-new-endpoint-"))
  try {
    mkdirSync(join(dir, "schemas"))
    const spec = readFileSync(projectFile(specFile), "utf8")
    expect(spec).toContain("\npaths:\n")
    writeFileSync(join(dir, specFile), spec.replace("\npaths:\n", `\npaths:\n${operation}`))
    expect(manifestText()).toContain("\nendpoints:\n")
    writeFileSync(join(dir, "connector.yaml"), manifestText().replace("\nendpoints:\n", `\nendpoints:\n${endpoint}`))
    copyFileSync(projectFile("schemas/connector.schema.json"), join(dir, "schemas/connector.schema.json"))
    return await body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("a new endpoint", () => {
  it("without it in the manifest, the spec copy is refused: every operation needs an endpoint", withCopies(async (dir) => {
    writeFileSync(join(dir, "connector.yaml"), manifestText())
    const loaded = await Effect.runPromise(Effect.either(loadConnector(join(dir, "connector.yaml"))).pipe(Effect.provide(NodeContext.layer)))
    expect(Either.isLeft(loaded) && loaded.left.message).toMatch(/list_company_locations\) .* has no endpoint/)
  }))

  it("declared in the manifest, is a stream: paged, documented, with its record schema, read from the mock", withCopies(async (dir) => {
    const manifestFile = join(dir, "connector.yaml")
    const connector = await Effect.runPromise(loadConnector(manifestFile).pipe(Effect.provide(NodeContext.layer)))
    const stream = connector.streamByName.get("company_locations")!
    expect(stream.paginator?.name).toBe("cursor")
    expect(stream.records).toBe("$.items")
    expect(stream.primaryKey).toEqual(["id"])
    expect(stream.docsUrl).toBe(`${connector.docsUrl}#tag/Company/operation/list_company_locations`)
    expect(Object.keys(connector.records.jsonSchema("company_locations")["properties"] as object)).toEqual(["id", "name", "remote"])

    const records = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const mock = yield* mockServer({ members: 3, specPath: join(dir, specFile), connectorPath: manifestFile, serveExamples: true })
      const issued = mock.issueTokens(mock.scopes)
      const read = Stream.runCollect(Stream.flatMap(Justworks, (j) => j.stream("company_locations" as StreamName)))
      const got = yield* read.pipe(Effect.provide(Justworks.layer({
        clientId: mock.clientId,
        clientSecret: Redacted.make(mock.clientSecret),
        baseUrl: mock.url,
        manifestFile,
        tokens: { accessToken: Redacted.make(issued.access_token), refreshToken: Redacted.make(issued.refresh_token), scopes: mock.scopes }
      })))
      expect(mock.requests.map((r) => r.operationId)).toContain("list_company_locations")
      return Chunk.toArray(got)
    })))
    expect(records).toEqual([
      { id: "loc-1", name: "Head office", remote: false },
      { id: "loc-2", name: "Anywhere", remote: true }
    ])
  }))
})
