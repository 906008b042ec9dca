import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Ajv2019 } from "ajv/dist/2019.js"
import * as YAML from "yaml"
import { connectorJsonSchema, connectorJsonSchemaFile } from "./connectorJsonSchema.js"
import { manifestNamesFile, manifestNamesSource } from "../model/manifestNames.js"
import { recordTypesFile, recordTypesSource } from "../model/recordTypes.js"
import { loadProjectConnector, manifestText, projectFile } from "../../test-support/projectManifest.js"

describe("schemas/connector.schema.json", () => {
  const checkedIn = readFileSync(projectFile(connectorJsonSchemaFile), "utf8")

  it("is what the Manifest schema generates (run `npm run gen:schema` after changing it)", () => {
    expect(checkedIn).toBe(connectorJsonSchema())
  })

  it("is named by the modeline of connector.yaml, so editors validate and complete it", () => {
    expect(manifestText().split("\n")[0]).toBe("# yaml-language-server: $schema=./schemas/connector.schema.json")
  })

  it("accepts connector.yaml and rejects a misspelt key, as an editor would", () => {
    const ajv = new Ajv2019({ allErrors: true, strict: false })
    const validate = ajv.compile(JSON.parse(checkedIn))
    const manifest = YAML.parse(manifestText())
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true)
    manifest.defaults.retry.max_atempts = 3
    expect(validate(manifest)).toBe(false)
    expect(JSON.stringify(validate.errors)).toContain("max_atempts")
  })
})

describe("src/generated/manifestNames.ts", () => {
  it("lists the streams and actions of connector.yaml (run `npm run gen:schema` after changing it)", () => {
    expect(readFileSync(projectFile(manifestNamesFile), "utf8")).toBe(manifestNamesSource(loadProjectConnector()))
  })
})

describe("src/generated/records.ts", () => {
  it("holds the record, action input and response types the OpenAPI description and connector.yaml give (run `npm run gen:schema` after changing them)", () => {
    expect(readFileSync(projectFile(recordTypesFile), "utf8")).toBe(recordTypesSource(loadProjectConnector()))
  })

  it("goes stale when the spec changes: a new member field is a new property of Member", () => {
    const connector = loadProjectConnector()
    const document = structuredClone(connector.spec.document) as { components: { schemas: { Member: { properties: Record<string, unknown> } } } }
    document.components.schemas.Member.properties["nickname"] = { type: "string", description: "What the member goes by." }
    const changed = recordTypesSource({ ...connector, spec: { ...connector.spec, document } })
    expect(changed).not.toBe(recordTypesSource(connector))
    expect(changed).toMatch(/export type Member = \{[^]*?\/\*\* What the member goes by\. \*\/\n {2}readonly nickname\?: string\n/)
  })
})
