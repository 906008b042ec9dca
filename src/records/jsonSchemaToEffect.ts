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
 *
 * The conversion builds the schema's AST, node by node, and makes it a `Schema` once at the end: the AST that
 * `Schema.Struct`, `Schema.filter`, `.annotations` and the like would build, without the class each of them
 * defines per call (which made converting a large record schema cost milliseconds even once optimised).
 */
import { Option, ParseResult, Predicate, Schema, SchemaAST as AST } from "effect"
import { componentName, isJsonObject, mergeSchemas, resolvePointer } from "../spec/document.js"

/** A schema of some JSON value; `Type` and `Encoded` are both the value itself. */
export type JsonValueSchema = Schema.Schema<unknown>

type Json = Readonly<Record<string, unknown>>

const toSchema = (ast: AST.AST): JsonValueSchema => Schema.make<unknown>(ast)

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
 * A refinement of `from` that shows in JSON Schema as `jsonSchema` only (no title or description of its own),
 * and whose error says what was expected: the AST of `Schema.filter(predicate, { message, jsonSchema })`.
 */
const check = (
  from: AST.AST,
  predicate: (u: any) => boolean,
  expected: string,
  jsonSchema: object,
  annotations: AST.Annotations = {}
): AST.AST =>
  new AST.Refinement(
    from,
    (input, _, self) => (predicate(input) ? Option.none() : Option.some(new ParseResult.Type(self, input))),
    { [AST.MessageAnnotationId]: expectedMessage(expected), [AST.JSONSchemaAnnotationId]: jsonSchema, ...annotations }
  )

/**
 * `type: integer`: a number without fraction. Not `Schema.Int` itself: its `Int` identifier would make every
 * integer a `$ref` to one shared `$defs/Int` in JSON Schema (and it rejects integers beyond 2^53).
 */
const Integer = check(AST.numberKeyword, Number.isInteger, "an integer", { type: "integer" }, {
  [AST.SchemaIdAnnotationId]: Schema.IntSchemaId // (JSON Schema then keeps the title and description beside `type: integer`)
})

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
const DateString = check(AST.stringKeyword, isCalendarDate, "a date (YYYY-MM-DD)", {
  format: "date",
  pattern: DATE_PATTERN.source
})

const DateTimeString = check(AST.stringKeyword, (s: string) => DATE_TIME_PATTERN.test(s), "a date-time (RFC 3339)", {
  format: "date-time",
  pattern: DATE_TIME_PATTERN.source
})

const objectMessage = { [AST.MessageAnnotationId]: expectedMessage("an object") }

/** A JSON object with any properties: `{ "type": "object" }`. */
const AnyObject = new AST.TypeLiteral([], [new AST.IndexSignature(AST.stringKeyword, AST.unknownKeyword, true)], {
  ...objectMessage,
  [AST.JSONSchemaAnnotationId]: { type: "object" }
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

/** Which structural keywords a node uses (anything beyond annotations). */
const STRUCTURAL = [
  "type", "enum", "const", "properties", "required", "items", "allOf", "oneOf", "anyOf", "$ref", "format",
  "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
  "maxItems"
]

/** `title` and `description` as AST annotations. */
const annotationsOf = (node: Json): AST.Annotations => {
  const annotations: Record<symbol, unknown> = {}
  if (typeof node["title"] === "string") annotations[AST.TitleAnnotationId] = node["title"]
  if (typeof node["description"] === "string") annotations[AST.DescriptionAnnotationId] = node["description"]
  return annotations
}

const isEmpty = (annotations: AST.Annotations) => Object.getOwnPropertySymbols(annotations).length === 0

/** `members` as one AST: `Schema.Union`'s (none: never; one: itself). */
const union = (members: ReadonlyArray<AST.AST>): AST.AST =>
  members.length === 0 ? AST.neverKeyword : members.length === 1 ? members[0]! : AST.Union.make(members)

const finiteNumber = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined)
const nonNegativeInt = (u: unknown): number | undefined =>
  typeof u === "number" && Number.isInteger(u) && u >= 0 ? u : undefined

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

const uniq = <A>(xs: Iterable<A>): Array<A> => [...new Set(xs)]

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
 * converted once (every use shares its AST, and `component` returns the same schema each time).
 */
export interface JsonSchemaConverter {
  /** convert a schema node (which may be or hold `$ref`s into the document) */
  readonly convert: (node: unknown) => JsonValueSchema
  /** the schema of `#/components/schemas/<name>`, annotated with identifier `<name>` */
  readonly component: (name: string) => JsonValueSchema
}

export const makeConverter = (document: unknown): JsonSchemaConverter => {
  const done = new Map<string, AST.AST>()
  const building = new Set<string>()

  /** components are named after themselves, other local references after their pointer */
  const identifierOf = (ref: string): string =>
    componentName(ref) ?? (ref.replace(/^#\/?/, "").replace(/[^A-Za-z0-9_.-]+/g, "_") || "root")

  const reference = (ref: string): AST.AST => {
    const cached = done.get(ref)
    if (cached !== undefined) return cached
    const identifier = { [AST.IdentifierAnnotationId]: identifierOf(ref) }
    if (building.has(ref)) {
      // a recursive reference: resolved once the schema is built (the identifier lets JSON Schema say $ref)
      return AST.annotations(new AST.Suspend(() => done.get(ref)!), identifier)
    }
    const target = resolvePointer(document, ref)
    if (target === undefined) return AST.unknownKeyword // unresolvable: accept anything
    building.add(ref)
    try {
      const ast = AST.annotations(convert(target), identifier)
      done.set(ref, ast)
      return ast
    } finally {
      building.delete(ref)
    }
  }

  const convert = (raw: unknown): AST.AST => {
    if (raw === true) return AST.unknownKeyword
    if (raw === false) return AST.neverKeyword
    if (!isJsonObject(raw)) return AST.unknownKeyword
    const node = raw
    if (typeof node["$ref"] === "string") {
      const { $ref: ref, ...siblings } = node as Json & { readonly $ref: string }
      // siblings of $ref other than annotations: the reference and they must both hold
      if (STRUCTURAL.some((k) => k in siblings)) return convert(mergeSchemas(document, [{ $ref: ref }, siblings]))
      // (annotations next to a $ref belong to the use, not to the referenced schema: see `property`)
      return ref.startsWith("#") ? reference(ref) : AST.unknownKeyword
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
  const annotate = (ast: AST.AST, node: Json): AST.AST => {
    const annotations = annotationsOf(node)
    if (isEmpty(annotations)) return ast
    // a message already set (by a check, an enum) is about the same value and says more
    if (Option.isSome(AST.getMessageAnnotation(ast))) return AST.annotations(ast, annotations)
    return AST.annotations(ast, { ...annotations, [AST.MessageAnnotationId]: expectedMessage(expectedOf(node)) })
  }

  /** A node without $ref or allOf. */
  const convertPlain = (node: Json): AST.AST => {
    const alternatives = Array.isArray(node["oneOf"]) ? node["oneOf"] : Array.isArray(node["anyOf"]) ? node["anyOf"] : undefined
    if (alternatives !== undefined) {
      const { oneOf: _o, anyOf: _a, title: _t, description: _d, ...rest } = node
      // keywords beside oneOf/anyOf hold for every alternative (oneOf is checked as anyOf)
      const shared = STRUCTURAL.some((k) => k in rest)
      const members = alternatives.map((m) => (shared ? convert(mergeSchemas(document, [rest, m])) : convert(m)))
      return members.length === 0 ? AST.unknownKeyword : union(members)
    }
    const declared = declaredTypes(node)
    const literals = literalsOf(node)
    if (literals !== undefined) {
      // an enum of objects or arrays: not checked
      if (!literals.every(isLiteral)) return AST.unknownKeyword
      const allowed = declared === undefined
        ? literals
        : literals.filter((v) => {
          const t = typeOfValue(v)
          return t !== undefined && (declared.includes(t) || (t === "integer" && declared.includes("number")))
        })
      const literal = union((allowed as Array<AST.LiteralValue>).map((v) => new AST.Literal(v)))
      if (allowed.length <= 1) return literal
      // one message for the whole enum rather than one per value
      const expected = `one of ${allowed.map((v) => formatActual(v)).join(", ")}`
      return AST.annotations(literal, {
        [AST.MessageAnnotationId]: (issue: ParseResult.ParseIssue) => ({ message: expectedMessage(expected)(issue), override: true })
      })
    }
    const types: ReadonlyArray<PrimitiveType> | undefined = declared ??
      ("properties" in node || "required" in node ? ["object"] : "items" in node ? ["array"] : undefined)
    if (types === undefined) return AST.unknownKeyword
    return union(types.map((t) => ofType(t, node)))
  }

  const ofType = (type: PrimitiveType, node: Json): AST.AST => {
    switch (type) {
      case "null":
        return AST.null
      case "boolean":
        return AST.booleanKeyword
      case "string":
        return stringSchema(node)
      case "integer":
        return numberSchema(Integer, node)
      case "number":
        return numberSchema(AST.numberKeyword, node)
      case "array":
        return arraySchema(node)
      case "object":
        return objectSchema(node)
    }
  }

  const stringSchema = (node: Json): AST.AST => {
    let s: AST.AST = node["format"] === "date"
      ? DateString
      : node["format"] === "date-time"
      ? DateTimeString
      : AST.stringKeyword
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
        s = check(s, (v: string) => re.test(v), `a string matching ${pattern}`, { pattern })
      }
    }
    const minLength = nonNegativeInt(node["minLength"])
    if (minLength !== undefined) {
      s = check(s, (v: string) => codePoints(v) >= minLength, `a string of at least ${minLength} character(s)`, { minLength })
    }
    const maxLength = nonNegativeInt(node["maxLength"])
    if (maxLength !== undefined) {
      s = check(s, (v: string) => codePoints(v) <= maxLength, `a string of at most ${maxLength} character(s)`, { maxLength })
    }
    return s
  }

  const numberSchema = (base: AST.AST, node: Json): AST.AST => {
    let s = base
    const minimum = finiteNumber(node["minimum"])
    if (minimum !== undefined) s = check(s, (n: number) => n >= minimum, `a number >= ${minimum}`, { minimum })
    const maximum = finiteNumber(node["maximum"])
    if (maximum !== undefined) s = check(s, (n: number) => n <= maximum, `a number <= ${maximum}`, { maximum })
    const exclusiveMinimum = finiteNumber(node["exclusiveMinimum"])
    if (exclusiveMinimum !== undefined) {
      s = check(s, (n: number) => n > exclusiveMinimum, `a number > ${exclusiveMinimum}`, { exclusiveMinimum })
    }
    const exclusiveMaximum = finiteNumber(node["exclusiveMaximum"])
    if (exclusiveMaximum !== undefined) {
      s = check(s, (n: number) => n < exclusiveMaximum, `a number < ${exclusiveMaximum}`, { exclusiveMaximum })
    }
    return s
  }

  const arraySchema = (node: Json): AST.AST => {
    // `prefixItems`, `contains` and friends are not checked
    const items = "items" in node ? convert(node["items"]) : AST.unknownKeyword
    let s: AST.AST = new AST.TupleType([], [new AST.Type(items)], true, { [AST.MessageAnnotationId]: expectedMessage("an array") })
    const minItems = nonNegativeInt(node["minItems"])
    if (minItems !== undefined) {
      s = check(s, (a: ReadonlyArray<unknown>) => a.length >= minItems, `an array of at least ${minItems} item(s)`, { minItems })
    }
    const maxItems = nonNegativeInt(node["maxItems"])
    if (maxItems !== undefined) {
      s = check(s, (a: ReadonlyArray<unknown>) => a.length <= maxItems, `an array of at most ${maxItems} item(s)`, { maxItems })
    }
    return s
  }

  const objectSchema = (node: Json): AST.AST => {
    const properties = isJsonObject(node["properties"]) ? node["properties"] : {}
    const required = new Set(Array.isArray(node["required"]) ? node["required"].filter(Predicate.isString) : [])
    if (Object.keys(properties).length === 0 && required.size === 0) return AnyObject
    const signatures: Array<AST.PropertySignature> = []
    for (const [name, sub] of Object.entries(properties)) signatures.push(property(name, sub, required.has(name)))
    // required but not described: present with any value
    for (const name of required) {
      if (!Object.hasOwn(properties, name)) signatures.push(new AST.PropertySignature(name, AST.unknownKeyword, false, true))
    }
    // (a struct accepts objects only, not arrays; and it keeps quiet about properties it does not declare)
    return new AST.TypeLiteral(signatures, [], objectMessage)
  }

  /** `Schema.propertySignature(schema)` or `Schema.optional(schema)`, as a struct's property `name`. */
  const property = (name: string, sub: unknown, isRequired: boolean): AST.PropertySignature => {
    const ast = convert(sub)
    // annotations written next to a $ref describe this property, not the referenced schema
    const useAnnotations = isJsonObject(sub) && typeof sub["$ref"] === "string" ? annotationsOf(sub) : {}
    if (isRequired) return new AST.PropertySignature(name, ast, false, true, useAnnotations)
    const type = ast === AST.undefinedKeyword || ast === AST.neverKeyword ? AST.undefinedKeyword : AST.Union.make([ast, AST.undefinedKeyword])
    return new AST.PropertySignature(name, type, true, true, useAnnotations)
  }

  const components = new Map<string, JsonValueSchema>()
  const component = (name: string): JsonValueSchema => {
    const known = components.get(name)
    if (known !== undefined) return known
    const schema = toSchema(reference(`#/components/schemas/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`))
    components.set(name, schema)
    return schema
  }

  return { convert: (node) => toSchema(convert(node)), component }
}

/**
 * Convert one JSON Schema node; `$ref`s are resolved against `document` (the whole OpenAPI description), or
 * against the node itself when no document is given.
 */
export const jsonSchemaToEffect = (node: unknown, document?: unknown): JsonValueSchema =>
  makeConverter(document ?? node).convert(node)
