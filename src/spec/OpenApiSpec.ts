/**
 * The facts the connector takes from `schemas/justworks.openapi.yaml`: its operations (method, path,
 * operationId, scopes, parameters) and its record schemas. Only what the manifest is checked against.
 */
import { Data, Effect } from "effect"
import * as YAML from "yaml"
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

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const resolveRef = (root: Json, value: unknown): unknown => {
  let current = value
  for (let depth = 0; isObject(current) && typeof current["$ref"] === "string" && depth < 16; depth++) {
    const ref = current["$ref"] as string
    if (!ref.startsWith("#/")) return current
    current = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root)
  }
  return current
}

const readParameters = (root: Json, list: unknown): Array<SpecParameter> =>
  (Array.isArray(list) ? list : []).flatMap((raw) => {
    const p = resolveRef(root, raw)
    if (!isObject(p) || typeof p["name"] !== "string") return []
    return [{
      name: p["name"],
      in: p["in"] as SpecParameter["in"],
      required: p["required"] === true,
      schema: p["schema"]
    }]
  })

/** Interpret a parsed OpenAPI document. */
export const fromDocument = (file: string, doc: unknown): OpenApiSpec => {
  const root = isObject(doc) ? doc : {}
  const globalSecurity = root["security"]
  const operations: Array<SpecOperation> = []
  const paths = isObject(root["paths"]) ? root["paths"] : {}
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolveRef(root, rawItem)
    if (!isObject(item)) continue
    const shared = readParameters(root, item["parameters"])
    for (const method of METHODS) {
      const op = item[method]
      if (!isObject(op)) continue
      const own = readParameters(root, op["parameters"])
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own]
      const security = op["security"] ?? globalSecurity
      const first = Array.isArray(security) && isObject(security[0]) ? security[0] : undefined
      const scopes = first === undefined
        ? undefined
        : Object.values(first).flatMap((v) => (Array.isArray(v) ? v.map(String) : []))
      operations.push({
        operationId: typeof op["operationId"] === "string" ? op["operationId"] : `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        scopes,
        parameters,
        hasBody: op["requestBody"] !== undefined
      })
    }
  }
  const components = isObject(root["components"]) ? root["components"] : {}
  const rawSchemas = isObject(components["schemas"]) ? components["schemas"] : {}
  const schemas: Record<string, { properties: Array<string> }> = {}
  for (const [name, raw] of Object.entries(rawSchemas)) {
    const schema = resolveRef(root, raw)
    schemas[name] = { properties: isObject(schema) && isObject(schema["properties"]) ? Object.keys(schema["properties"]) : [] }
  }
  const scopes = new Set<string>()
  const schemes = isObject(components["securitySchemes"]) ? components["securitySchemes"] : {}
  for (const scheme of Object.values(schemes)) {
    const flows = isObject(scheme) && isObject(scheme["flows"]) ? scheme["flows"] : {}
    for (const flow of Object.values(flows)) {
      if (isObject(flow) && isObject(flow["scopes"])) Object.keys(flow["scopes"]).forEach((s) => scopes.add(s))
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
