/**
 * OpenAPI 3.1 / JSON Schema 2020-12 → Effect Schema, so that record schemas come from the spec and not from
 * hand-written code.
 *
 * Supported: `type` (one or several, `null` included), `enum`, `const`, `properties`/`required`, `items`,
 * `allOf` (object schemas merged), `oneOf`/`anyOf` (a union), `$ref` (local JSON pointers; components get an
 * `identifier` named after them, recursive references are suspended), `format: date | date-time` (strings whose
 * shape is checked leniently), `pattern`, `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`,
 * `minLength`/`maxLength`, `minItems`/`maxItems`, and `title`/`description` as annotations.
 *
 * Everything else is ignored: a converted schema never accepts less than the JSON Schema does, except that an
 * object schema without `type` is taken to be an object. Objects always accept properties they do not declare.
 * Nothing is transformed: the Effect schemas' `Type` and `Encoded` are the JSON values themselves.
 */
import { Option, Predicate, Schema, SchemaAST as AST } from "effect"

/** A schema of some JSON value; `Type` and `Encoded` are both the value itself. */
export type JsonValueSchema = Schema.Schema<unknown>

type Json = Readonly<Record<string, unknown>>

export const isJsonObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const erase = (schema: Schema.Schema.All): JsonValueSchema => schema as unknown as JsonValueSchema

/** `YYYY-MM-DD` */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/
/**
 * RFC 3339 date-time, leniently: `T`, `t` or a space between date and time, seconds and fractions optional,
 * `Z`, `±hh:mm`, `±hhmm`, `±hh` or no offset at all.
 */
export const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/

/** A value as shown in an error message. */
export const formatActual = (u: unknown): string => {
  if (u === undefined) return "undefined"
  let text: string
  try {
    text = JSON.stringify(u) ?? String(u)
  } catch {
    text = String(u)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

const expectedMessage = (expected: string) => (issue: { readonly actual: unknown }) =>
  `Expected ${expected}, actual ${formatActual(issue.actual)}`

/**
 * A check that shows in JSON Schema as `jsonSchema` only (no title or description of its own), and whose
 * error says what was expected.
 */
const check = <A>(
  self: Schema.Schema<A>,
  predicate: (a: A) => boolean,
  expected: string,
  jsonSchema: object
): Schema.Schema<A> => self.pipe(Schema.filter((a: A) => predicate(a), { message: expectedMessage(expected), jsonSchema }))

/**
 * `type: integer`: a number without fraction. Not `Schema.Int` itself: its `Int` identifier would make every
 * integer a `$ref` to one shared `$defs/Int` in JSON Schema (and it rejects integers beyond 2^53).
 */
const Integer = Schema.Number.pipe(Schema.filter(Number.isInteger, {
  schemaId: Schema.IntSchemaId, // (JSON Schema then keeps the title and description beside `type: integer`)
  message: expectedMessage("an integer"),
  jsonSchema: { type: "integer" }
}))

/** `YYYY-MM-DD` naming a day of the calendar (not 2025-02-30). */
export const isCalendarDate = (s: string): boolean => {
  if (!DATE_PATTERN.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
}

/**
 * An RFC 3339 date-time as an API takes it in a request, strictly: `T`, seconds and a time zone (`Z` or
 * `±hh:mm`) required, a real day and time (no leap second: JavaScript's dates have none).
 */
export const isStrictDateTime = (s: string): boolean => {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(s)
  return m !== null && isCalendarDate(m[1]!) && Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4]) <= 59 &&
    (m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59))
}

// the pattern beside the format: JSON Schema validators that skip formats still check the shape
const DateString = check(Schema.String, isCalendarDate, "a date (YYYY-MM-DD)", {
  format: "date",
  pattern: DATE_PATTERN.source
})

const DateTimeString = check(Schema.String, (s) => DATE_TIME_PATTERN.test(s), "a date-time (RFC 3339)", {
  format: "date-time",
  pattern: DATE_TIME_PATTERN.source
})

const objectMessage = { message: expectedMessage("an object") }

/** A JSON object with any properties: `{ "type": "object" }`. */
const AnyObject = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  ...objectMessage,
  jsonSchema: { type: "object" }
})

const PRIMITIVE_TYPES = ["string", "integer", "number", "boolean", "null", "object", "array"] as const
type PrimitiveType = (typeof PRIMITIVE_TYPES)[number]
const isPrimitiveType = (u: unknown): u is PrimitiveType => PRIMITIVE_TYPES.includes(u as PrimitiveType)

const typeOfValue = (value: unknown): PrimitiveType | undefined => {
  if (value === null) return "null"
  if (typeof value === "string") return "string"
  if (typeof value === "boolean") return "boolean"
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number"
  if (Array.isArray(value)) return "array"
  if (typeof value === "object") return "object"
  return undefined
}

const isLiteral = (u: unknown): u is string | number | boolean | null =>
  u === null || typeof u === "string" || typeof u === "boolean" || (typeof u === "number" && Number.isFinite(u))

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

/** Which structural keywords a node uses (anything beyond annotations). */
const STRUCTURAL = [
  "type", "enum", "const", "properties", "required", "items", "allOf", "oneOf", "anyOf", "$ref", "format",
  "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
  "maxItems"
]

const annotationsOf = (node: Json): { title?: string; description?: string } => {
  const annotations: { title?: string; description?: string } = {}
  if (typeof node["title"] === "string") annotations.title = node["title"]
  if (typeof node["description"] === "string") annotations.description = node["description"]
  return annotations
}

const finiteNumber = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined)
const nonNegativeInt = (u: unknown): number | undefined =>
  typeof u === "number" && Number.isInteger(u) && u >= 0 ? u : undefined

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

const declaredTypes = (node: Json): Array<PrimitiveType> | undefined => {
  const declared = Array.isArray(node["type"])
    ? node["type"].filter(isPrimitiveType)
    : isPrimitiveType(node["type"])
    ? [node["type"]]
    : undefined
  // null last, so that errors about a nullable value talk about the value first
  return declared === undefined ? undefined : uniq([...declared.filter((t) => t !== "null"), ...declared.filter((t) => t === "null")])
}

const literalsOf = (node: Json): Array<unknown> | undefined =>
  "const" in node ? [node["const"]] : Array.isArray(node["enum"]) ? node["enum"] : undefined

/** What a node accepts, in words (for error messages). */
const expectedOf = (node: Json): string => {
  const literals = literalsOf(node)
  if (literals !== undefined) {
    const shown = literals.map((v) => formatActual(v))
    return shown.length === 1 ? shown[0]! : `one of ${shown.join(", ")}`
  }
  if (Array.isArray(node["oneOf"]) || Array.isArray(node["anyOf"])) return "a value matching one of the alternatives"
  const types = declaredTypes(node) ??
    ("properties" in node || "required" in node ? ["object"] : "items" in node ? ["array"] : [])
  const words = types.map((t) => {
    switch (t) {
      case "string":
        return node["format"] === "date"
          ? "a date (YYYY-MM-DD)"
          : node["format"] === "date-time"
          ? "a date-time (RFC 3339)"
          : typeof node["pattern"] === "string"
          ? `a string matching ${node["pattern"]}`
          : "a string"
      case "integer":
        return "an integer"
      case "number":
        return "a number"
      case "boolean":
        return "a boolean"
      case "null":
        return "null"
      case "object":
        return "an object"
      case "array":
        return "an array"
    }
  })
  return words.length === 0 ? "a valid value" : words.join(" or ")
}

/**
 * A converter bound to one document: references are resolved against it, and each referenced schema is
 * converted once (the same Effect schema is returned for every use).
 */
export interface JsonSchemaConverter {
  /** convert a schema node (which may be or hold `$ref`s into the document) */
  readonly convert: (node: unknown) => JsonValueSchema
  /** the schema of `#/components/schemas/<name>`, annotated with identifier `<name>` */
  readonly component: (name: string) => JsonValueSchema
}

export const makeConverter = (document: unknown): JsonSchemaConverter => {
  const done = new Map<string, JsonValueSchema>()
  const building = new Set<string>()

  /** components are named after themselves, other local references after their pointer */
  const identifierOf = (ref: string): string =>
    componentName(ref) ?? (ref.replace(/^#\/?/, "").replace(/[^A-Za-z0-9_.-]+/g, "_") || "root")

  const reference = (ref: string): JsonValueSchema => {
    const cached = done.get(ref)
    if (cached !== undefined) return cached
    const identifier = identifierOf(ref)
    if (building.has(ref)) {
      // a recursive reference: resolved once the schema is built (the identifier lets JSON Schema say $ref)
      return erase(Schema.suspend((): JsonValueSchema => done.get(ref)!)).annotations({ identifier })
    }
    const target = resolvePointer(document, ref)
    if (target === undefined) return Schema.Unknown // unresolvable: accept anything
    building.add(ref)
    try {
      const converted = convert(target)
      const schema = converted.annotations({ identifier })
      done.set(ref, schema)
      return schema
    } finally {
      building.delete(ref)
    }
  }

  const convert = (raw: unknown): JsonValueSchema => {
    if (raw === true) return Schema.Unknown
    if (raw === false) return erase(Schema.Never)
    if (!isJsonObject(raw)) return Schema.Unknown
    const node = raw
    if (typeof node["$ref"] === "string") {
      const { $ref: ref, ...siblings } = node as Json & { readonly $ref: string }
      // siblings of $ref other than annotations: the reference and they must both hold
      if (STRUCTURAL.some((k) => k in siblings)) return convert(mergeSchemas(document, [{ $ref: ref }, siblings]))
      // (annotations next to a $ref belong to the use, not to the referenced schema: see `property`)
      return ref.startsWith("#") ? reference(ref) : Schema.Unknown
    }
    if (Array.isArray(node["allOf"])) {
      const { allOf, ...rest } = node
      return convert(mergeSchemas(document, [rest, ...(allOf as Array<unknown>)]))
    }
    return annotate(convertPlain(node), node)
  }

  /**
   * Title and description become annotations. Effect would also use them as the "expected" part of error
   * messages, so the message is set as well.
   */
  const annotate = (schema: JsonValueSchema, node: Json): JsonValueSchema => {
    const annotations = annotationsOf(node)
    if (Object.keys(annotations).length === 0) return schema
    // a message already set (by a check, an enum) is about the same value and says more
    if (Option.isSome(AST.getMessageAnnotation(schema.ast))) return schema.annotations(annotations)
    return schema.annotations({ ...annotations, message: expectedMessage(expectedOf(node)) })
  }

  /** A node without $ref or allOf. */
  const convertPlain = (node: Json): JsonValueSchema => {
    const alternatives = Array.isArray(node["oneOf"]) ? node["oneOf"] : Array.isArray(node["anyOf"]) ? node["anyOf"] : undefined
    if (alternatives !== undefined) {
      const { oneOf: _o, anyOf: _a, title: _t, description: _d, ...rest } = node
      // keywords beside oneOf/anyOf hold for every alternative (oneOf is checked as anyOf)
      const shared = STRUCTURAL.some((k) => k in rest)
      const members = alternatives.map((m) => (shared ? convert(mergeSchemas(document, [rest, m])) : convert(m)))
      if (members.length === 0) return Schema.Unknown
      return members.length === 1 ? members[0]! : erase(Schema.Union(...members))
    }
    const declared = declaredTypes(node)
    const literals = literalsOf(node)
    if (literals !== undefined) {
      // an enum of objects or arrays: not checked
      if (!literals.every(isLiteral)) return Schema.Unknown
      const allowed = declared === undefined
        ? literals
        : literals.filter((v) => {
          const t = typeOfValue(v)
          return t !== undefined && (declared.includes(t) || (t === "integer" && declared.includes("number")))
        })
      if (allowed.length === 0) return erase(Schema.Never)
      const literal = erase(Schema.Literal(...(allowed as Array<string | number | boolean | null>)))
      if (allowed.length === 1) return literal
      // one message for the whole enum rather than one per value
      const expected = `one of ${allowed.map((v) => formatActual(v)).join(", ")}`
      return literal.annotations({
        message: (issue) => ({ message: expectedMessage(expected)(issue), override: true })
      })
    }
    const types: ReadonlyArray<PrimitiveType> | undefined = declared ??
      ("properties" in node || "required" in node ? ["object"] : "items" in node ? ["array"] : undefined)
    if (types === undefined) return Schema.Unknown
    const members = types.map((t) => ofType(t, node))
    if (members.length === 0) return erase(Schema.Never)
    return members.length === 1 ? members[0]! : erase(Schema.Union(...members))
  }

  const ofType = (type: PrimitiveType, node: Json): JsonValueSchema => {
    switch (type) {
      case "null":
        return erase(Schema.Null)
      case "boolean":
        return erase(Schema.Boolean)
      case "string":
        return stringSchema(node)
      case "integer":
        return numberSchema(Integer, node)
      case "number":
        return numberSchema(Schema.Number, node)
      case "array":
        return arraySchema(node)
      case "object":
        return objectSchema(node)
    }
  }

  const stringSchema = (node: Json): JsonValueSchema => {
    let s: Schema.Schema<string> = node["format"] === "date"
      ? DateString
      : node["format"] === "date-time"
      ? DateTimeString
      : Schema.String
    const pattern = node["pattern"]
    if (typeof pattern === "string") {
      let regex: RegExp | undefined
      try {
        regex = new RegExp(pattern, "u")
      } catch {
        regex = undefined // not a pattern JavaScript understands: not checked
      }
      if (regex !== undefined) {
        const re = regex
        s = check(s, (v) => re.test(v), `a string matching ${pattern}`, { pattern })
      }
    }
    const minLength = nonNegativeInt(node["minLength"])
    if (minLength !== undefined) {
      s = check(s, (v) => codePoints(v) >= minLength, `a string of at least ${minLength} character(s)`, { minLength })
    }
    const maxLength = nonNegativeInt(node["maxLength"])
    if (maxLength !== undefined) {
      s = check(s, (v) => codePoints(v) <= maxLength, `a string of at most ${maxLength} character(s)`, { maxLength })
    }
    return erase(s)
  }

  const numberSchema = (base: Schema.Schema<number>, node: Json): JsonValueSchema => {
    let s = base
    const minimum = finiteNumber(node["minimum"])
    if (minimum !== undefined) s = check(s, (n) => n >= minimum, `a number >= ${minimum}`, { minimum })
    const maximum = finiteNumber(node["maximum"])
    if (maximum !== undefined) s = check(s, (n) => n <= maximum, `a number <= ${maximum}`, { maximum })
    const exclusiveMinimum = finiteNumber(node["exclusiveMinimum"])
    if (exclusiveMinimum !== undefined) {
      s = check(s, (n) => n > exclusiveMinimum, `a number > ${exclusiveMinimum}`, { exclusiveMinimum })
    }
    const exclusiveMaximum = finiteNumber(node["exclusiveMaximum"])
    if (exclusiveMaximum !== undefined) {
      s = check(s, (n) => n < exclusiveMaximum, `a number < ${exclusiveMaximum}`, { exclusiveMaximum })
    }
    return erase(s)
  }

  const arraySchema = (node: Json): JsonValueSchema => {
    // `prefixItems`, `contains` and friends are not checked
    let s: Schema.Schema<ReadonlyArray<unknown>> = Schema.Array("items" in node ? convert(node["items"]) : Schema.Unknown)
      .annotations({ message: expectedMessage("an array") })
    const minItems = nonNegativeInt(node["minItems"])
    if (minItems !== undefined) {
      s = check(s, (a) => a.length >= minItems, `an array of at least ${minItems} item(s)`, { minItems })
    }
    const maxItems = nonNegativeInt(node["maxItems"])
    if (maxItems !== undefined) {
      s = check(s, (a) => a.length <= maxItems, `an array of at most ${maxItems} item(s)`, { maxItems })
    }
    return erase(s)
  }

  const objectSchema = (node: Json): JsonValueSchema => {
    const properties = isJsonObject(node["properties"]) ? node["properties"] : {}
    const required = new Set(Array.isArray(node["required"]) ? node["required"].filter(Predicate.isString) : [])
    if (Object.keys(properties).length === 0 && required.size === 0) return erase(AnyObject)
    const fields: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
    for (const [name, sub] of Object.entries(properties)) fields[name] = property(sub, required.has(name))
    // required but not described: present with any value
    for (const name of required) if (!(name in fields)) fields[name] = Schema.Unknown
    // (a struct accepts objects only, not arrays; and it keeps quiet about properties it does not declare)
    return erase(Schema.Struct(fields).annotations(objectMessage))
  }

  const property = (sub: unknown, isRequired: boolean): Schema.Schema.All | Schema.PropertySignature.All => {
    const schema = convert(sub)
    // annotations written next to a $ref describe this property, not the referenced schema
    const useAnnotations = isJsonObject(sub) && typeof sub["$ref"] === "string" ? annotationsOf(sub) : {}
    const signature = isRequired ? Schema.propertySignature(schema) : Schema.optional(schema)
    return Object.keys(useAnnotations).length === 0 ? signature : signature.annotations(useAnnotations)
  }

  const component = (name: string): JsonValueSchema =>
    reference(`#/components/schemas/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`)

  return { convert, component }
}

/**
 * Convert one JSON Schema node; `$ref`s are resolved against `document` (the whole OpenAPI description), or
 * against the node itself when no document is given.
 */
export const jsonSchemaToEffect = (node: unknown, document?: unknown): JsonValueSchema =>
  makeConverter(document ?? node).convert(node)
