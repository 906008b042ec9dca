/**
 * The TypeScript source of `src/generated/records.ts`: the record type of every stream and the input and
 * response types of every action, out of the OpenAPI description (what the records are validated against) and
 * connector.yaml (which operation, which selector, which parent key, which fields a scope withholds).
 *
 * Components of the spec the streams and actions use become named types (`Member`), as object type literals:
 * a record is then also a `Record<string, unknown>`, which the untyped paths of the runtime take. A field that
 * `field_scopes` ties to a scope is optional: the API leaves it out without that scope.
 */
import type { Connector } from "./Connector.js"
import { componentName, deref, isJsonObject, mergeSchemas, requestBodySchema, successContent } from "../spec/document.js"
import { selectSchema } from "../records/RecordSchemas.js"

export const recordTypesFile = "src/generated/records.ts"

type Json = Readonly<Record<string, unknown>>

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const STRUCTURAL = ["type", "properties", "items", "required", "additionalProperties"]

const propertyName = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name))

/** A JSDoc comment on one line (descriptions span lines in the spec only by wrapping). */
const doc = (text: unknown, indent: string): string =>
  typeof text === "string" && text.trim() !== ""
    ? `${indent}/** ${text.replace(/\s+/g, " ").trim().replace(/\*\//g, "*\\/")} */\n`
    : ""

const typesOf = (node: Json): Array<string> =>
  Array.isArray(node["type"]) ? node["type"].filter((t): t is string => typeof t === "string")
  : typeof node["type"] === "string" ? [node["type"]]
  : []

const union = (parts: ReadonlyArray<string>): string => {
  const unique = [...new Set(parts)]
  return unique.length === 0 ? "never" : unique.join(" | ")
}

/** A type in a position where a union must be parenthesized (array items). */
const grouped = (type: string) => (/[|&]/.test(type) && !/^[{(]/.test(type) ? `(${type})` : type)

/** Writes TypeScript types for schema nodes of `document`, collecting the components they name. */
const makeEmitter = (document: unknown, fieldScopes: Connector["fieldScopes"]) => {
  const wanted: Array<string> = []
  const want = (name: string) => {
    if (!wanted.includes(name)) wanted.push(name)
    return name
  }

  const typeOf = (raw: unknown, indent: string): string => {
    if (!isJsonObject(raw)) return "unknown"
    const ref = raw["$ref"]
    if (typeof ref === "string") {
      const name = componentName(ref)
      const siblings = Object.keys(raw).filter((k) => k !== "$ref" && k !== "description")
      if (name !== undefined && siblings.length === 0) return want(name)
      return typeOf(deref(document, raw), indent)
    }
    if (Array.isArray(raw["allOf"])) return typeOf(mergeSchemas(document, [raw]), indent)
    const alternatives = Array.isArray(raw["oneOf"]) ? raw["oneOf"] : Array.isArray(raw["anyOf"]) ? raw["anyOf"] : undefined
    if (alternatives !== undefined) {
      const { oneOf: _one, anyOf: _any, ...rest } = raw
      const shared = STRUCTURAL.some((k) => k in rest)
      return union(alternatives.map((alt) => typeOf(shared ? mergeSchemas(document, [rest, alt]) : alt, indent)))
    }
    if ("const" in raw) return JSON.stringify(raw["const"])
    const types = typesOf(raw)
    if (Array.isArray(raw["enum"])) {
      const literals = raw["enum"].map((v) => JSON.stringify(v))
      return union(types.includes("null") ? [...literals, "null"] : literals)
    }
    const kinds = types.length > 0 ? types : "properties" in raw ? ["object"] : "items" in raw ? ["array"] : []
    if (kinds.length === 0) return "unknown"
    return union(kinds.map((kind) => {
      switch (kind) {
        case "string":
          return "string"
        case "integer":
        case "number":
          return "number"
        case "boolean":
          return "boolean"
        case "null":
          return "null"
        case "array":
          return `ReadonlyArray<${grouped(typeOf(raw["items"], indent))}>`
        case "object":
          return objectType(raw, indent, new Map())
        default:
          return "unknown"
      }
    }))
  }

  /** An object type literal; `scoped` fields are optional and say which scope they need. */
  const objectType = (node: Json, indent: string, scoped: ReadonlyMap<string, string>): string => {
    const properties = isJsonObject(node["properties"]) ? node["properties"] : undefined
    const extra = node["additionalProperties"]
    if (properties === undefined || Object.keys(properties).length === 0) {
      return `Readonly<Record<string, ${isJsonObject(extra) ? typeOf(extra, indent) : "unknown"}>>`
    }
    const required = new Set(Array.isArray(node["required"]) ? node["required"].map(String) : [])
    const inner = `${indent}  `
    const lines = Object.entries(properties).map(([name, schema]) => {
      const scope = scoped.get(name)
      const description = isJsonObject(schema) ? schema["description"] : undefined
      const said = typeof description === "string" ? description : undefined
      const text = [said, scope === undefined || said?.includes(scope) ? undefined : `Only with the scope ${scope}.`]
        .filter((t) => t !== undefined)
        .join(" ")
      const optional = scope !== undefined || !required.has(name) ? "?" : ""
      return `${doc(text, inner)}${inner}readonly ${propertyName(name)}${optional}: ${typeOf(schema, inner)}`
    })
    return `{\n${lines.join("\n")}\n${indent}}`
  }

  /** `export type Name = …` for every component named so far (and those they name). */
  const components = (): string => {
    const out: Array<string> = []
    for (let i = 0; i < wanted.length; i++) {
      const name = wanted[i]!
      const node = deref(document, { $ref: `#/components/schemas/${name}` })
      const merged = isJsonObject(node) ? mergeSchemas(document, [node]) : {}
      const scoped = new Map(Object.entries(fieldScopes[name] ?? {}))
      const body = typesOf(merged).includes("object") || (typesOf(merged).length === 0 && "properties" in merged)
        ? objectType(merged, "", scoped)
        : typeOf(node, "")
      out.push(`${doc(isJsonObject(node) ? node["description"] : undefined, "")}export type ${name} = ${body}\n`)
    }
    return out.join("\n")
  }

  return { typeOf, objectType, components }
}

/** The source of `src/generated/records.ts` for the connector (its manifest resolved against its spec). */
export const recordTypesSource = (connector: Connector): string => {
  const document = connector.spec.document
  const emit = makeEmitter(document, connector.fieldScopes)

  const streams = connector.streams.map((stream) => {
    const { method, path } = stream.endpoint
    const content = successContent(document, method, path)
    const raw = content === undefined ? undefined : selectSchema(document, content["schema"], stream.records)
    let type = emit.typeOf(raw, "  ")
    const parent = stream.partitioning._tag === "Parent" ? stream.partitioning : undefined
    const added = [parent?.param, stream.syntheticKey?.field].filter((f): f is string => f !== undefined)
    if (added.length > 0) type = `${grouped(type)} & { ${added.map((f) => `readonly ${propertyName(f)}: string`).join("; ")} }`
    const what = `${method} ${path}${stream.records === "$" ? "" : `, ${stream.records}`}` +
      (parent === undefined ? "" : `, with the parent's ${parent.field} as ${parent.param}`) +
      (stream.syntheticKey === undefined ? "" : `, with ${stream.syntheticKey.field} made of ${stream.syntheticKey.from.join(" and ")}`)
    return `${doc(what, "  ")}  readonly ${stream.name}: ${type}`
  })

  const inputs: Array<string> = []
  const responses: Array<string> = []
  for (const [id, action] of connector.actions) {
    const endpoint = action.endpoint
    const { method, operation } = endpoint
    const fields: Array<string> = []
    for (const name of endpoint.pathParams) fields.push(`    readonly ${propertyName(name)}: string`)
    for (const param of operation.parameters) {
      if (param.in !== "query") continue
      const description = isJsonObject(param.schema) ? param.schema["description"] : undefined
      fields.push(`${doc(description, "    ")}    readonly ${propertyName(param.name)}${param.required ? "" : "?"}: ${emit.typeOf(param.schema, "    ")}`)
    }
    const params = fields.length === 0 ? undefined : `{\n${fields.join("\n")}\n  }`
    const body = method === "GET" ? undefined : requestBodySchema(document, method, endpoint.path)
    let input: string
    if (body === undefined) {
      input = params ?? "Readonly<Record<string, never>>"
    } else {
      const bodyType = emit.typeOf(body.schema, "  ")
      const wrapped = `{ readonly body${body.required ? "" : "?"}: ${bodyType} }`
      const resolved = deref(document, body.schema)
      const isObject = isJsonObject(resolved) && isJsonObject(mergeSchemas(document, [resolved])["properties"])
      // the body's fields beside the parameters, or the body whole under `body`
      const alternatives = isObject ? `${grouped(bodyType)} | ${wrapped}` : wrapped
      input = params === undefined ? alternatives : `${params} & (${alternatives})`
    }
    inputs.push(`  readonly ${id}: ${input}`)
    const content = successContent(document, method, endpoint.path)
    responses.push(`  readonly ${id}: ${content === undefined || !("schema" in content) ? "undefined" : emit.typeOf(content["schema"], "  ")}`)
  }

  return [
    "// Generated from schemas/justworks.openapi.yaml and connector.yaml by `npm run gen:schema`; a test fails when it is stale.",
    "",
    "/** The record type of each stream: what `Justworks.stream(name)` yields. */",
    "export interface StreamRecords {",
    ...streams,
    "}",
    "",
    "/** The input of each action: its path and query parameters, and its body's fields (or the body whole as `body`). */",
    "export interface ActionInputs {",
    ...inputs,
    "}",
    "",
    "/** The response of each action (its 2xx JSON body). */",
    "export interface ActionResponses {",
    ...responses,
    "}",
    "",
    emit.components()
  ].join("\n")
}
