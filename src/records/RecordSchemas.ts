/**
 * The record schema of every stream, derived from the OpenAPI description: nothing here knows a stream.
 *
 * For a stream: its operation (method + path) → the schema of its 2xx `application/json` response → the
 * stream's record selector (`$`, `$[*]`, `$.items`, `$.departments`, …; a dotted path that ends at an array
 * selects its items). Then:
 * - a child stream gets its parent key (`addedKey`), a string property, as required: the runtime adds it to
 *   each record;
 * - with granted scopes, the properties that `fieldScopes[<record component>]` ties to a scope outside their
 *   closure are dropped.
 *
 * Validation never transforms a record; callers pass the record itself on (unknown fields included).
 */
import { Either, JSONSchema, ParseResult, Schema } from "effect"
import * as YAML from "yaml"
import { type JsonValueSchema, makeConverter } from "./jsonSchemaToEffect.js"
import { componentName, isJsonObject, mergeSchemas, resolvePointer, successContent } from "../spec/document.js"
import { compileRecordCheck } from "./compileRecordCheck.js"

type Json = Readonly<Record<string, unknown>>

/** The first problem of a record that does not match its schema. */
export interface RecordProblem {
  /** where: `current_pay.amount`, `emails[0].address`; "" for the record itself */
  readonly path: string
  /** what was expected there (never the value found) */
  readonly message: string
}

/** `undefined` when the record matches. */
export type RecordValidator = (record: unknown) => RecordProblem | undefined

/** A JSON Schema (draft-07) document for a catalog. */
export type RecordJsonSchema = JSONSchema.JsonSchema7Root & { readonly [key: string]: unknown }

/** What a stream's records are, as far as their schema goes. */
export interface RecordSource {
  readonly stream: string
  readonly method: string
  readonly path: string
  /** the record selector */
  readonly records: string
  /** string fields the connector adds to each record (a child's parent key, a synthetic key) */
  readonly added?: ReadonlyArray<{ readonly name: string; readonly description: string }> | undefined
}

export interface RecordSchemas {
  /** the streams, in the order given */
  readonly streams: ReadonlyArray<RecordSource>
  /** the Effect schema of a stream's records; with `grantedScopes`, without the fields they do not grant */
  readonly schema: (stream: string, grantedScopes?: Iterable<string>) => JsonValueSchema
  /** the same as JSON Schema draft-07: an object with `properties`, `required`, `additionalProperties: true` */
  readonly jsonSchema: (stream: string, grantedScopes?: Iterable<string>) => RecordJsonSchema
  /**
   * the same for destinations (an Airbyte catalog): self-contained (no `$ref`/`$defs`), nullability as
   * `"type": [T, "null"]`, no `anyOf`/`allOf`/`oneOf`, `format: date`/`date-time` as the spec says
   */
  readonly catalogSchema: (stream: string, grantedScopes?: Iterable<string>) => RecordJsonSchema
  /** a check for the hot path: cheap when the record matches, the first problem when it does not */
  readonly validator: (stream: string, grantedScopes?: Iterable<string>) => RecordValidator
  /** the spec component the stream's records are (`Member` for `members`), if they are one */
  readonly recordComponent: (stream: string) => string | undefined
}

/** A stream the manifest does not declare, or whose records the spec does not describe: a programming error. */
export class RecordSchemaError extends Error {
  override readonly name = "RecordSchemaError"
}

/** Parse the text of the OpenAPI description (YAML or JSON) into its document. */
export const parseSpecDocument = (text: string): unknown => {
  const doc = YAML.parseDocument(text, { uniqueKeys: true })
  if (doc.errors.length > 0) throw new RecordSchemaError(doc.errors[0]!.message)
  return doc.toJS({ maxAliasCount: -1 })
}

/** The parsed path of a record selector: property names, and "*" for every item of an array. */
export const selectorPath = (selector: string): Array<string> => {
  if (selector === "$") return []
  if (selector === "$[*]") return ["*"]
  if (!selector.startsWith("$.")) throw new RecordSchemaError(`unsupported record selector ${selector}`)
  return selector.slice(2).split(".")
}

const typesOf = (node: Json): Array<unknown> =>
  Array.isArray(node["type"]) ? node["type"] : node["type"] === undefined ? [] : [node["type"]]

const isArraySchema = (node: Json): boolean =>
  typesOf(node).includes("array") || (node["type"] === undefined && "items" in node)

/** What a selector selects out of a response schema: the raw (maybe `$ref`) schema node of one record. */
export const selectSchema = (document: unknown, body: unknown, selector: string): unknown => {
  const path = selectorPath(selector)
  let node: unknown = body
  for (const segment of path) {
    const resolved = mergeSchemas(document, [node])
    if (segment === "*") {
      node = resolved["items"]
    } else {
      const properties = resolved["properties"]
      node = isJsonObject(properties) ? properties[segment] : undefined
    }
    if (node === undefined) return undefined
  }
  // a field holding an array holds records
  if (path.length > 0 && path[path.length - 1] !== "*") {
    const resolved = mergeSchemas(document, [node])
    if (isArraySchema(resolved)) return resolved["items"] ?? true
  }
  return node
}

/** The component a schema node refers to, through `$ref`s. */
const referencedComponent = (document: unknown, node: unknown): string | undefined => {
  let current = node
  let name: string | undefined
  for (let i = 0; i < 32 && isJsonObject(current) && typeof current["$ref"] === "string"; i++) {
    const ref = current["$ref"]
    name = componentName(ref) ?? name
    current = resolvePointer(document, ref)
  }
  return name
}

const withoutNull = (node: Record<string, unknown>): void => {
  // a record is never null: a nullable record field that is null holds no record
  const types = node["type"]
  if (Array.isArray(types) && types.includes("null") && types.length > 1) {
    const rest = types.filter((t) => t !== "null")
    node["type"] = rest.length === 1 ? rest[0] : rest
  }
}

interface StreamRecords {
  readonly stream: RecordSource
  readonly component: string | undefined
  /** the record's schema node, flattened (no top-level $ref or allOf), before field scopes */
  readonly node: Json
}

const keyOf = (granted: ReadonlyArray<string> | undefined) => (granted === undefined ? "*" : granted.join(" "))

/** The path of an issue, as `a.b[0].c`. */
export const formatIssuePath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, segment) => {
    if (typeof segment === "number") return `${out}[${segment}]`
    const name = String(segment)
    return out === "" ? name : `${out}.${name}`
  }, "")

/** The most telling issue: the deepest, leaving out the "Expected undefined" of optional fields. */
const bestIssue = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): ParseResult.ArrayFormatterIssue | undefined => {
  const telling = issues.filter((i) => !i.message.startsWith("Expected undefined"))
  const pool = telling.length > 0 ? telling : issues
  return pool.reduce<ParseResult.ArrayFormatterIssue | undefined>(
    (best, issue) => (best === undefined || issue.path.length > best.path.length ? issue : best),
    undefined
  )
}

/**
 * An issue's message without the value found: `Expected a date (YYYY-MM-DD), actual "1984-13-45"` →
 * `Expected a date (YYYY-MM-DD)`. Records and rows hold personal data (a date of birth, an SSN typed into the
 * wrong field), and their messages are printed, logged and kept: they say where and what was expected, never
 * the value.
 */
export const withoutActual = (message: string): string => message.replace(/,\s*actual\b[\s\S]*$/, "")

/**
 * A validator for the hot path: a fast check first (by default `Schema.is`; the stream validators use the
 * same schema as JSON Schema compiled to one predicate, several times faster), and the error with its path,
 * from the Effect schema, only for records that fail it.
 */
export const makeValidator = (schema: JsonValueSchema, fastCheck?: (record: unknown) => boolean): RecordValidator => {
  const is = fastCheck ?? Schema.is(schema)
  const validate = Schema.validateEither(schema, { errors: "first" })
  return (record) => {
    if (is(record)) return undefined
    const result = validate(record)
    if (Either.isRight(result)) return undefined
    const issue = bestIssue(ParseResult.ArrayFormatter.formatErrorSync(result.left))
    return issue === undefined
      ? { path: "", message: "does not match the record schema" }
      : { path: formatIssuePath(issue.path), message: issue._tag === "Missing" ? "is missing" : withoutActual(issue.message) }
  }
}

/** JSON Schema draft-07 of a schema; objects allow properties they do not declare. */
export const toJsonSchema = (schema: JsonValueSchema): RecordJsonSchema => {
  // `JSONSchema.make` with `additionalPropertiesStrategy: "allow"` (make itself always says false)
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const body = JSONSchema.fromAST(schema.ast, {
    definitions,
    target: "jsonSchema7",
    additionalPropertiesStrategy: "allow"
  })
  const out: RecordJsonSchema = { $schema: "http://json-schema.org/draft-07/schema#", ...body }
  return Object.keys(definitions).length === 0 ? out : { ...out, $defs: definitions }
}

/**
 * The record schemas of `streams`, out of `document` (the parsed OpenAPI description). `fieldScopes`: per spec
 * component, the fields returned only with a scope; `closure`: everything a set of scopes grants. Throws a
 * `RecordSchemaError` when a stream's records are not described by the spec.
 */
export const makeRecordSchemas = (
  streams: ReadonlyArray<RecordSource>,
  document: unknown,
  fieldScopes: Readonly<Record<string, Readonly<Record<string, string>>>>,
  closure: (scopes: Iterable<string>) => ReadonlyArray<string>
): RecordSchemas => {
  const converter = makeConverter(document)

  const records = new Map<string, StreamRecords>()
  for (const stream of streams) {
    const { method, path } = stream
    const content = successContent(document, method, path)
    if (content === undefined || !("schema" in content)) {
      throw new RecordSchemaError(
        `stream ${stream.stream}: ${method} ${path} has no 2xx application/json response schema in the spec`
      )
    }
    const raw = selectSchema(document, content["schema"], stream.records)
    if (raw === undefined) {
      throw new RecordSchemaError(
        `stream ${stream.stream}: the response schema of ${method} ${path} has nothing at ${stream.records}`
      )
    }
    const node: Record<string, unknown> = { ...mergeSchemas(document, [raw]) }
    withoutNull(node)
    for (const added of stream.added ?? []) {
      const properties: Record<string, unknown> = isJsonObject(node["properties"]) ? { ...node["properties"] } : {}
      properties[added.name] ??= { type: "string", description: added.description }
      node["properties"] = properties
      const required = Array.isArray(node["required"]) ? node["required"] : []
      if (!required.includes(added.name)) node["required"] = [...required, added.name]
      if (node["type"] === undefined) node["type"] = "object"
    }
    records.set(stream.stream, { stream, component: referencedComponent(document, raw), node })
  }

  const recordsOf = (name: string): StreamRecords => {
    const found = records.get(name)
    if (found === undefined) {
      throw new RecordSchemaError(`unknown stream "${name}"; streams: ${[...records.keys()].join(", ")}`)
    }
    return found
  }

  /** The fields a record loses without some scope, given the scopes granted. */
  const droppedFields = (entry: StreamRecords, granted: ReadonlyArray<string> | undefined): Set<string> => {
    const scoped = entry.component === undefined ? undefined : fieldScopes[entry.component]
    if (granted === undefined || scoped === undefined) return new Set()
    const all = new Set(granted)
    return new Set(Object.entries(scoped).filter(([, scope]) => !all.has(scope)).map(([field]) => field))
  }

  const schemas = new Map<string, JsonValueSchema>()
  const jsonSchemas = new Map<string, RecordJsonSchema>()
  const validators = new Map<string, RecordValidator>()

  const resolve = (name: string, grantedScopes: Iterable<string> | undefined) => {
    const entry = recordsOf(name)
    const granted = grantedScopes === undefined ? undefined : closure(grantedScopes)
    return { entry, granted, key: `${name}\u0000${keyOf(granted)}` }
  }

  /** The stream's record node without the fields the scopes do not grant. */
  const grantedNode = (entry: StreamRecords, granted: ReadonlyArray<string> | undefined): Json => {
    const dropped = droppedFields(entry, granted)
    const node = entry.node
    if (dropped.size === 0 || !isJsonObject(node["properties"])) return node
    return {
      ...node,
      properties: Object.fromEntries(Object.entries(node["properties"]).filter(([field]) => !dropped.has(field))),
      ...(Array.isArray(node["required"])
        ? { required: node["required"].filter((field) => !dropped.has(String(field))) }
        : {})
    }
  }

  const schema = (name: string, grantedScopes?: Iterable<string>): JsonValueSchema => {
    const { entry, granted, key } = resolve(name, grantedScopes)
    const cached = schemas.get(key)
    if (cached !== undefined) return cached
    const built = converter.convert(grantedNode(entry, granted))
    schemas.set(key, built)
    return built
  }

  const jsonSchema = (name: string, grantedScopes?: Iterable<string>): RecordJsonSchema => {
    const { key } = resolve(name, grantedScopes)
    const cached = jsonSchemas.get(key)
    if (cached !== undefined) return cached
    const built = toJsonSchema(schema(name, grantedScopes))
    jsonSchemas.set(key, built)
    return built
  }

  const validator = (name: string, grantedScopes?: Iterable<string>): RecordValidator => {
    const { key } = resolve(name, grantedScopes)
    const cached = validators.get(key)
    if (cached !== undefined) return cached
    const built = makeValidator(schema(name, grantedScopes), compileRecordCheck(jsonSchema(name, grantedScopes)))
    validators.set(key, built)
    return built
  }

  const catalogSchemas = new Map<string, RecordJsonSchema>()
  const catalogSchema = (name: string, grantedScopes?: Iterable<string>): RecordJsonSchema => {
    const { entry, granted, key } = resolve(name, grantedScopes)
    const cached = catalogSchemas.get(key)
    if (cached !== undefined) return cached
    const built = { $schema: "http://json-schema.org/draft-07/schema#", ...flatSchema(document, grantedNode(entry, granted), 0) } as RecordJsonSchema
    catalogSchemas.set(key, built)
    return built
  }

  return {
    streams,
    schema,
    jsonSchema,
    catalogSchema,
    validator,
    recordComponent: (name) => recordsOf(name).component
  }
}

const PRIMITIVES = ["string", "integer", "number", "boolean", "object", "array", "null"]

/**
 * A schema node as destinations read it: references inlined, `allOf` merged, a union of simple types written as
 * a type list (anything else, as no constraint), and only the keywords a destination types columns by.
 */
const flatSchema = (document: unknown, raw: unknown, depth: number): Record<string, unknown> => {
  const node = mergeSchemas(document, [raw])
  if (depth > 32) return {}
  const out: Record<string, unknown> = {}
  const union = node["oneOf"] ?? node["anyOf"]
  let types: Array<string> = typesOf(node).filter((t): t is string => typeof t === "string" && PRIMITIVES.includes(t))
  if (Array.isArray(union)) {
    const members = union.map((m) => mergeSchemas(document, [m]))
    const memberTypes = members.flatMap((m) => typesOf(m).filter((t): t is string => typeof t === "string"))
    // a union whose members all say their type: those types (an object member, when one, gives its properties)
    if (members.every((m) => typesOf(m).length > 0)) types = [...new Set([...types, ...memberTypes])]
    const object = members.find((m) => typesOf(m).includes("object"))
    if (object !== undefined && node["properties"] === undefined) Object.assign(node, { properties: object["properties"] })
  }
  if (types.length === 0 && isJsonObject(node["properties"])) types = ["object"]
  if (types.length === 1) out["type"] = types[0]
  else if (types.length > 1) out["type"] = [...types.filter((t) => t !== "null"), ...types.filter((t) => t === "null")]
  if (typeof node["description"] === "string") out["description"] = node["description"]
  const format = node["format"]
  if (format === "date" || format === "date-time") {
    out["format"] = format
    if (format === "date-time") out["airbyte_type"] = "timestamp_with_timezone"
  }
  if (Array.isArray(node["enum"])) out["enum"] = node["enum"]
  if (isJsonObject(node["properties"])) {
    out["properties"] = Object.fromEntries(Object.entries(node["properties"]).map(([field, value]) => [field, flatSchema(document, value, depth + 1)]))
    if (Array.isArray(node["required"]) && node["required"].length > 0) out["required"] = node["required"]
    out["additionalProperties"] = true
  }
  if (node["items"] !== undefined) out["items"] = flatSchema(document, node["items"], depth + 1)
  return out
}
