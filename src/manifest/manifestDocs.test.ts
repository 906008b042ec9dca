/**
 * docs/manifest.md cannot drift from the Manifest schema: every key a manifest may hold is documented there,
 * and every key documented there is one the schema knows. A key is its path in the YAML document, records'
 * entries written `<name>` (any name in angle brackets) and list items `[]`, e.g.
 * `endpoints.<id>.report.for_each[].query`. The documented keys are the first cells of the document's tables.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { SchemaAST } from "effect"
import { projectFile } from "../../test-support/projectManifest.js"
import { Manifest } from "./Manifest.js"

/** Every key path of the schema's YAML side (the encoded side of transformations, defaults included). */
const keyPaths = (ast: SchemaAST.AST, prefix: string, out: Set<string>): Set<string> => {
  switch (ast._tag) {
    case "TypeLiteral":
      for (const property of ast.propertySignatures) {
        const path = prefix === "" ? String(property.name) : `${prefix}.${String(property.name)}`
        out.add(path)
        keyPaths(property.type, path, out)
      }
      for (const index of ast.indexSignatures) keyPaths(index.type, `${prefix}.<name>`, out)
      break
    case "Union":
      for (const member of ast.types) keyPaths(member, prefix, out)
      break
    case "TupleType":
      for (const element of [...ast.elements.map((e) => e.type), ...ast.rest.map((r) => r.type)]) keyPaths(element, `${prefix}[]`, out)
      break
    case "Refinement":
    case "Transformation":
      keyPaths(ast.from, prefix, out)
      break
    case "Suspend":
      keyPaths(ast.f(), prefix, out)
      break
  }
  return out
}

const normalize = (path: string) => path.replace(/<[^>]*>/g, "<name>")

const schemaKeys = [...keyPaths(Manifest.ast, "", new Set())]

const docs = readFileSync(projectFile("docs/manifest.md"), "utf8")

/** First cells of table rows that hold one backticked key path, with the rest of the row. */
const documented = [...docs.matchAll(/^\| `([a-z_][a-z_.<>\[\]]*)` \|(.*)\|\s*$/gm)].map(([, key, rest]) => ({ key: key!, rest: rest! }))

describe("docs/manifest.md", () => {
  it("finds the keys of the schema (the walk itself works)", () => {
    expect(schemaKeys).toEqual(expect.arrayContaining(["version", "defaults.requester.timeout", "endpoints.<name>.incremental.cursor_field", "healthchecks[].stream"]))
    expect(documented.length).toBeGreaterThan(50)
  })

  it("documents every key of connector.yaml", () => {
    const keys = new Set(documented.map((d) => normalize(d.key)))
    expect(schemaKeys.filter((key) => !keys.has(key))).toEqual([])
  })

  it("documents no key the schema does not have, and each once, with a description", () => {
    const known = new Set(schemaKeys)
    expect(documented.map((d) => d.key).filter((key) => !known.has(normalize(key)))).toEqual([])
    const seen = documented.map((d) => normalize(d.key))
    expect(seen.filter((key, i) => seen.indexOf(key) !== i)).toEqual([])
    expect(documented.filter((d) => d.rest.replace(/[|\s]/g, "") === "").map((d) => d.key)).toEqual([])
  })
})
