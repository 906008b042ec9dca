/**
 * Navigation of the OpenAPI description as a JSON document, in one place: local references (`$ref`, JSON
 * pointers), `allOf` merging, an operation's success content and request body. Everything that reads the
 * parsed document (record schemas, request bodies, the spec's facts) goes through these.
 */
import { Predicate } from "effect"

type Json = Readonly<Record<string, unknown>>

export const isJsonObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** The name of `#/components/schemas/<name>`, else undefined. */
export const componentName = (ref: string): string | undefined => {
  const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref)
  return m === null ? undefined : decodePointerSegment(m[1]!)
}

const decodePointerSegment = (segment: string): string => {
  let s = segment
  try {
    s = decodeURIComponent(s)
  } catch {
    // keep it as written
  }
  return s.replace(/~1/g, "/").replace(/~0/g, "~")
}

/** Resolve a local reference (`#/…`) against a document; undefined when it points nowhere. */
export const resolvePointer = (document: unknown, ref: string): unknown => {
  if (ref === "#") return document
  if (!ref.startsWith("#/")) return undefined
  return ref
    .slice(2)
    .split("/")
    .map(decodePointerSegment)
    .reduce<unknown>((node, key) => {
      if (Array.isArray(node)) return node[Number(key)]
      return isJsonObject(node) ? node[key] : undefined
    }, document)
}

/** Follow `$ref`s until a node without one (at most 32 hops). */
export const deref = (document: unknown, node: unknown): unknown => {
  let current = node
  for (let i = 0; i < 32 && isJsonObject(current) && typeof current["$ref"] === "string"; i++) {
    const { $ref, ...siblings } = current
    const target = resolvePointer(document, $ref as string)
    if (target === undefined) return current
    // OpenAPI 3.1 allows siblings of $ref: they apply as well
    current = Object.keys(siblings).length === 0 ? target : mergeSchemas(document, [target, siblings])
  }
  return current
}

const uniq = <A>(xs: Iterable<A>): Array<A> => [...new Set(xs)]

const intersectTypes = (a: unknown, b: unknown): unknown => {
  if (a === undefined) return b
  if (b === undefined) return a
  const as = Array.isArray(a) ? a : [a]
  const bs = Array.isArray(b) ? b : [b]
  const both = as.filter((t) => bs.includes(t) || (t === "integer" && bs.includes("number")))
  for (const t of bs) if (t === "integer" && as.includes("number") && !both.includes(t)) both.push(t)
  return both.length === 1 ? both[0] : both
}

/**
 * Merge schemas that must all hold (an `allOf`) into one node: properties and required keys are united
 * (a property declared twice gets both declarations, itself as an `allOf`), types are intersected, and other
 * keywords are taken from the first schema that sets them. Members are dereferenced first, and nested
 * `allOf`s flattened.
 */
export const mergeSchemas = (document: unknown, schemas: ReadonlyArray<unknown>): Json => {
  const out: Record<string, unknown> = {}
  const properties: Record<string, Array<unknown>> = {}
  const required: Array<string> = []
  const visit = (raw: unknown, depth: number) => {
    const node = deref(document, raw)
    if (!isJsonObject(node) || depth > 32) return
    for (const [key, value] of Object.entries(node)) {
      switch (key) {
        case "allOf":
          if (Array.isArray(value)) for (const member of value) visit(member, depth + 1)
          break
        case "properties":
          if (isJsonObject(value)) {
            for (const [name, schema] of Object.entries(value)) (properties[name] ??= []).push(schema)
          }
          break
        case "required":
          if (Array.isArray(value)) required.push(...value.filter(Predicate.isString))
          break
        case "type":
          out["type"] = intersectTypes(out["type"], value)
          break
        default:
          if (!(key in out)) out[key] = value
      }
    }
  }
  for (const schema of schemas) visit(schema, 0)
  if (Object.keys(properties).length > 0) {
    out["properties"] = Object.fromEntries(
      Object.entries(properties).map(([name, list]) => [name, list.length === 1 ? list[0] : { allOf: list }])
    )
  }
  if (required.length > 0) out["required"] = uniq(required)
  return out
}


const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status)
const isJsonMedia = (media: string) => /^application\/(.+\+)?json(\s*;.*)?$/i.test(media)

/** The operation object at `method path` (dereferenced), if the document has one. */
export const operationObject = (document: unknown, method: string, path: string): Json | undefined => {
  const paths = isJsonObject(document) ? document["paths"] : undefined
  const item = deref(document, isJsonObject(paths) ? paths[path] : undefined)
  const operation = isJsonObject(item) ? item[method.toLowerCase()] : undefined
  return isJsonObject(operation) ? operation : undefined
}

/**
 * The `application/json` content (`{ schema, examples, example }`) of the first 2xx response of an operation,
 * or undefined when the spec has none.
 */
export const successContent = (document: unknown, method: string, path: string): Json | undefined => {
  const responses = operationObject(document, method, path)?.["responses"]
  if (!isJsonObject(responses)) return undefined
  const statuses = Object.keys(responses).filter(isSuccess).sort()
  for (const status of statuses) {
    const response = deref(document, responses[status])
    const content = isJsonObject(response) ? response["content"] : undefined
    if (!isJsonObject(content)) continue
    const media = Object.keys(content).find(isJsonMedia)
    const found = media === undefined ? undefined : content[media]
    if (isJsonObject(found)) return found
  }
  return undefined
}

/** The JSON Schema of an operation's `application/json` request body, as the OpenAPI description declares it. */
export interface RequestBodySchema {
  /** the schema node (may hold `$ref`s into the document) */
  readonly schema: unknown
  readonly required: boolean
}

/** The request body schema of the operation at `method path`, if it takes a JSON body. */
export const requestBodySchema = (document: unknown, method: string, path: string): RequestBodySchema | undefined => {
  const body = deref(document, operationObject(document, method, path)?.["requestBody"])
  const content = isJsonObject(body) ? body["content"] : undefined
  const json = isJsonObject(content) ? content["application/json"] : undefined
  return isJsonObject(json) && "schema" in json
    ? { schema: json["schema"], required: isJsonObject(body) && body["required"] === true }
    : undefined
}
