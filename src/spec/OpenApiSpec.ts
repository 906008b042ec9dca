/**
 * The facts the connector takes from `schemas/justworks.openapi.yaml`: its operations (method, path,
 * operationId, scopes, parameters) and its record schemas. Only what the manifest is checked against.
 */
import { Data, Effect } from "effect"
import * as YAML from "yaml"
import { deref, isJsonObject } from "./document.js"
import { snapshotValue } from "./documentSnapshot.js"

export interface SpecParameter {
  readonly name: string
  readonly in: "query" | "path" | "header" | "cookie"
  readonly required: boolean
  /** its schema as written (may be or hold `$ref`s into the document) */
  readonly schema: unknown
}

export interface SpecOperation {
  readonly operationId: string
  readonly method: string
  readonly path: string
  /** scopes of the first security requirement; `undefined` when the operation takes no bearer token */
  readonly scopes: ReadonlyArray<string> | undefined
  readonly parameters: ReadonlyArray<SpecParameter>
  /** the operation takes a request body */
  readonly hasBody: boolean
  /** its first tag (the section of the reference documentation it is in), if any */
  readonly tag: string | undefined
}

export interface OpenApiSpec {
  readonly file: string
  readonly operations: ReadonlyArray<SpecOperation>
  readonly schemas: Readonly<Record<string, { readonly properties: ReadonlyArray<string> }>>
  readonly scopes: ReadonlyArray<string>
  /** the parsed document, for what needs more than the facts above (record schemas) */
  readonly document: unknown
}

/** The operation of `method` (upper case) and `path` (as the spec writes it), if the spec has one. */
export const operationAt = (spec: OpenApiSpec, method: string, path: string): SpecOperation | undefined =>
  spec.operations.find((o) => o.method === method && o.path === path)

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const

type Json = Readonly<Record<string, unknown>>
const readParameters = (root: Json, list: unknown): Array<SpecParameter> =>
  (Array.isArray(list) ? list : []).flatMap((raw) => {
    const p = deref(root, raw)
    if (!isJsonObject(p) || typeof p["name"] !== "string") return []
    return [{
      name: p["name"],
      in: p["in"] as SpecParameter["in"],
      required: p["required"] === true,
      schema: p["schema"]
    }]
  })

/** Interpret a parsed OpenAPI document. */
export const fromDocument = (file: string, doc: unknown): OpenApiSpec => {
  const root = isJsonObject(doc) ? doc : {}
  const globalSecurity = root["security"]
  const operations: Array<SpecOperation> = []
  const paths = isJsonObject(root["paths"]) ? root["paths"] : {}
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(root, rawItem)
    if (!isJsonObject(item)) continue
    const shared = readParameters(root, item["parameters"])
    for (const method of METHODS) {
      const op = item[method]
      if (!isJsonObject(op)) continue
      const own = readParameters(root, op["parameters"])
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own]
      const security = op["security"] ?? globalSecurity
      const first = Array.isArray(security) && isJsonObject(security[0]) ? security[0] : undefined
      const scopes = first === undefined
        ? undefined
        : Object.values(first).flatMap((v) => (Array.isArray(v) ? v.map(String) : []))
      operations.push({
        operationId: typeof op["operationId"] === "string" ? op["operationId"] : `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        scopes,
        parameters,
        hasBody: op["requestBody"] !== undefined,
        tag: Array.isArray(op["tags"]) && typeof op["tags"][0] === "string" ? op["tags"][0] : undefined
      })
    }
  }
  const components = isJsonObject(root["components"]) ? root["components"] : {}
  const rawSchemas = isJsonObject(components["schemas"]) ? components["schemas"] : {}
  const schemas: Record<string, { properties: Array<string> }> = {}
  for (const [name, raw] of Object.entries(rawSchemas)) {
    const schema = deref(root, raw)
    schemas[name] = { properties: isJsonObject(schema) && isJsonObject(schema["properties"]) ? Object.keys(schema["properties"]) : [] }
  }
  const scopes = new Set<string>()
  const schemes = isJsonObject(components["securitySchemes"]) ? components["securitySchemes"] : {}
  for (const scheme of Object.values(schemes)) {
    const flows = isJsonObject(scheme) && isJsonObject(scheme["flows"]) ? scheme["flows"] : {}
    for (const flow of Object.values(flows)) {
      if (isJsonObject(flow) && isJsonObject(flow["scopes"])) Object.keys(flow["scopes"]).forEach((s) => scopes.add(s))
    }
  }
  return { file, operations, schemas, scopes: [...scopes], document: doc }
}

/** The OpenAPI file could not be read or parsed. */
export class SpecUnreadable extends Data.TaggedError("SpecUnreadable")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `${this.file}: ${this.reason}`
  }
}

/** Parse the text of an OpenAPI document (YAML or JSON). */
export const parseSpec = (file: string, text: string): Effect.Effect<OpenApiSpec, SpecUnreadable> =>
  Effect.try({
    try: () => {
      // the packaged description parsed at build time, else the text parsed now
      const parsed = snapshotValue(text)
      if (parsed !== undefined) return fromDocument(file, parsed)
      const doc = YAML.parseDocument(text, { uniqueKeys: true })
      if (doc.errors.length > 0) throw new SpecUnreadable({ file, reason: doc.errors[0]!.message })
      return fromDocument(file, doc.toJS({ maxAliasCount: -1 }))
    },
    catch: (e) => (e instanceof SpecUnreadable ? e : new SpecUnreadable({ file, reason: String(e) }))
  })

/** The `{name}` placeholders of a path template, in order. */
export const pathParams = (path: string): Array<string> => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
