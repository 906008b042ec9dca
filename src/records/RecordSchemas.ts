/**
 * The record schema of every stream, derived from the OpenAPI description: nothing here knows a stream.
 *
 * For a stream: its endpoint's operation (method + path) → the schema of its 2xx `application/json`
 * response → the stream's record selector (`$`, `$[*]`, `$.items`, `$.departments`, …; a dotted path that
 * ends at an array selects its items). Then:
 * - a child stream (`endpoint.parent`) gets its parent key, the string property `parent.param`, as required:
 *   the runtime adds it to each record;
 * - with granted scopes, the properties that `manifest.field_scopes[<record component>]` ties to a scope
 *   outside their closure are dropped.
 *
 * Validation never transforms a record; callers pass the record itself on (unknown fields included).
 */
import { Either, JSONSchema, ParseResult, Schema } from "effect"
import * as YAML from "yaml"
import type { Manifest } from "../manifest/Manifest.js"
import { streamsOf, type StreamDefinition } from "../manifest/streams.js"
import { closure } from "../scopes/ScopeAlgebra.js"
import {
  componentName,
  deref,
  isJsonObject,
  type JsonValueSchema,
  makeConverter,
  mergeSchemas,
  resolvePointer
} from "./jsonSchemaToEffect.js"
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

export interface RecordSchemas {
  /** the streams, in manifest order */
  readonly streams: ReadonlyArray<StreamDefinition>
  /** the Effect schema of a stream's records; with `grantedScopes`, without the fields they do not grant */
  readonly schema: (stream: string, grantedScopes?: Iterable<string>) => JsonValueSchema
  /** the same as JSON Schema draft-07: an object with `properties`, `required`, `additionalProperties: true` */
  readonly jsonSchema: (stream: string, grantedScopes?: Iterable<string>) => RecordJsonSchema
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

const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status)
const isJsonMedia = (media: string) => /^application\/(.+\+)?json(\s*;.*)?$/i.test(media)

/**
 * The `application/json` content (`{ schema, examples, example }`) of the first 2xx response of an operation,
 * or undefined when the spec has none.
 */
export const successContent = (document: unknown, method: string, path: string): Json | undefined => {
  const paths = isJsonObject(document) ? document["paths"] : undefined
  const item = deref(document, isJsonObject(paths) ? paths[path] : undefined)
  const operation = isJsonObject(item) ? item[method.toLowerCase()] : undefined
  const responses = isJsonObject(operation) ? operation["responses"] : undefined
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

const typesOf = (node: Json): Array<unknown> =>
  Array.isArray(node["type"]) ? node["type"] : node["type"] === undefined ? [] : [node["type"]]

const isArraySchema = (node: Json): boolean =>
  typesOf(node).includes("array") || (node["type"] === undefined && "items" in node)

/** What a selector selects out of a response schema: the raw (maybe `$ref`) schema node of one record. */
const selectSchema = (document: unknown, body: unknown, selector: string): unknown => {
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
  readonly stream: StreamDefinition
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
 * The record schemas of every stream of `manifest`, out of `document` (the parsed OpenAPI description).
 * Throws a `RecordSchemaError` when a stream's records are not described by the spec.
 */
export const makeRecordSchemas = (manifest: Manifest, document: unknown): RecordSchemas => {
  const streams = streamsOf(manifest)
  const converter = makeConverter(document)

  const records = new Map<string, StreamRecords>()
  for (const stream of streams) {
    const { method, endpoint } = stream
    const content = successContent(document, method, endpoint.path)
    if (content === undefined || !("schema" in content)) {
      throw new RecordSchemaError(
        `stream ${stream.name}: ${method} ${endpoint.path} has no 2xx application/json response schema in the spec`
      )
    }
    const raw = selectSchema(document, content["schema"], stream.records)
    if (raw === undefined) {
      throw new RecordSchemaError(
        `stream ${stream.name}: the response schema of ${method} ${endpoint.path} has nothing at ${stream.records}`
      )
    }
    const node: Record<string, unknown> = { ...mergeSchemas(document, [raw]) }
    withoutNull(node)
    const parent = endpoint.parent
    if (parent !== undefined) {
      const properties: Record<string, unknown> = isJsonObject(node["properties"]) ? { ...node["properties"] } : {}
      properties[parent.param] ??= {
        type: "string",
        description: `The ${parent.field} of the parent ${parent.stream} record, added by the connector.`
      }
      node["properties"] = properties
      const required = Array.isArray(node["required"]) ? node["required"] : []
      if (!required.includes(parent.param)) node["required"] = [...required, parent.param]
      if (node["type"] === undefined) node["type"] = "object"
    }
    records.set(stream.name, { stream, component: referencedComponent(document, raw), node })
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
    const fieldScopes = entry.component === undefined ? undefined : manifest.field_scopes[entry.component]
    if (granted === undefined || fieldScopes === undefined) return new Set()
    const all = new Set(granted)
    return new Set(Object.entries(fieldScopes).filter(([, scope]) => !all.has(scope)).map(([field]) => field))
  }

  const schemas = new Map<string, JsonValueSchema>()
  const jsonSchemas = new Map<string, RecordJsonSchema>()
  const validators = new Map<string, RecordValidator>()

  const resolve = (name: string, grantedScopes: Iterable<string> | undefined) => {
    const entry = recordsOf(name)
    const granted = grantedScopes === undefined ? undefined : closure(manifest, grantedScopes)
    return { entry, granted, key: `${name}\u0000${keyOf(granted)}` }
  }

  const schema = (name: string, grantedScopes?: Iterable<string>): JsonValueSchema => {
    const { entry, granted, key } = resolve(name, grantedScopes)
    const cached = schemas.get(key)
    if (cached !== undefined) return cached
    const dropped = droppedFields(entry, granted)
    let node = entry.node
    if (dropped.size > 0 && isJsonObject(node["properties"])) {
      node = {
        ...node,
        properties: Object.fromEntries(Object.entries(node["properties"]).filter(([field]) => !dropped.has(field))),
        ...(Array.isArray(node["required"])
          ? { required: node["required"].filter((field) => !dropped.has(String(field))) }
          : {})
      }
    }
    const built = converter.convert(node)
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

  return {
    streams,
    schema,
    jsonSchema,
    validator,
    recordComponent: (name) => recordsOf(name).component
  }
}
