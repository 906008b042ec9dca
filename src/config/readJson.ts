/**
 * Read JSON inputs (config, catalog, state, action input) and decode them with an Effect Schema, failing
 * with a one-line `InputError` that names the file and the JSON path of the first problems.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, ParseResult, Schema, SchemaAST as AST } from "effect"
import { holdsSecret, registerSecret } from "../redaction/redact.js"
import { isJsonObject } from "../spec/document.js"
import { jsonSyntaxProblem, lineColumn } from "../json/syntax.js"
import { InputError } from "./InputError.js"
import { firstInvalidUtf8, structureProblem } from "../json/jsonStructure.js"

export interface InputSource {
  /** what the input is, for messages: "config", "catalog", "state" */
  readonly input: string
  /** where it came from: a file path or an option name */
  readonly source: string
}

/**
 * Whether a name the input holds (a key, a preset) may be quoted in a message: what a person types as a name.
 * A secret pasted in the wrong place (a token as a key, as an array element) is not, whether or not it is
 * known: long, or with a run of digits, or a registered secret.
 */
export const isShownName = (name: string): boolean =>
  name.length <= 40 && /^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name) && !/\d{5}/.test(name) && !holdsSecret(name)

/** A name of the input as a message shows it. */
export const shownName = (name: string): string => (isShownName(name) ? JSON.stringify(name) : `(a name of ${name.length} characters, not shown)`)

/** `a.b[0].c`; a key that is not shown (see `isShownName`) as `[…]`. */
export const jsonPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, segment) => {
    if (typeof segment === "number") return `${out}[${segment}]`
    const name = String(segment)
    if (!isShownName(name)) return `${out}[…]`
    return out === "" ? name : /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${out}.${name}` : `${out}[${JSON.stringify(name)}]`
  }, "")

/** How deep a JSON input may nest: far more than any config, catalog or state, far less than overflows a check. */
export const MAX_INPUT_DEPTH = 64

/**
 * Parse JSON text; a syntax error names the line and column, and so do a key given twice in an object (JSON
 * would keep the last one silently) and nesting deeper than {@link MAX_INPUT_DEPTH}.
 */
export const parseJsonText = (from: InputSource, text: string): Either.Either<unknown, InputError> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return Either.left(new InputError({ reason: "Syntax", ...from, path: "", detail: `not valid JSON (${jsonSyntaxProblem(text, e)})` }))
  }
  const problem = typeof value === "object" && value !== null ? structureProblem(text, MAX_INPUT_DEPTH) : undefined
  if (problem === undefined) return Either.right(value)
  const where = lineColumn(text, problem.position)
  return Either.left(new InputError({
    reason: "Invalid",
    ...from,
    path: jsonPath(problem.path),
    detail: problem.kind === "duplicate"
      ? `the key is given twice (again at ${where}): JSON would keep only the last; give it once`
      : `nested deeper than ${MAX_INPUT_DEPTH} levels (at ${where})`
  }))
}

/** Read a file holding JSON. */
export const readJsonFile = (from: InputSource): Effect.Effect<unknown, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const bytes = yield* fs.readFile(from.source).pipe(
      Effect.mapError((e) =>
        new InputError({
          reason: "Unreadable",
          ...from,
          path: "",
          detail: e._tag === "SystemError" && e.reason === "NotFound" ? "no such file" : `cannot be read (${e.message})`
        })
      )
    )
    // a byte that is not UTF-8 would be read as U+FFFD, silently changing a value
    const invalid = firstInvalidUtf8(bytes)
    if (invalid !== undefined) {
      const before = bytes.subarray(0, invalid)
      const line = before.reduce((n, b) => (b === 10 ? n + 1 : n), 1)
      const column = invalid - before.lastIndexOf(10)
      return yield* new InputError({ reason: "Syntax", ...from, path: "", detail: `not valid UTF-8 (byte ${invalid + 1}: line ${line}, column ${column})` })
    }
    return yield* parseJsonText(from, new TextDecoder().decode(bytes))
  })

/**
 * The one-line description of a decoding failure: up to three problems, each with its JSON path. A problem at
 * or under a secret (`keys`) does not show the value found; the others show it with the secrets in it
 * (`secrets`) replaced by `***`.
 */
const describe = (
  error: ParseResult.ParseError,
  keys: ReadonlySet<string>,
  secrets: ReadonlyArray<Leaf>,
  value: unknown,
  expectsObject: boolean
): { path: string; detail: string } => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const key = (p: ReadonlyArray<PropertyKey>) => p.map(String).join("\u0000")
  // an optional field that fails also reports "Expected undefined" beside the real issue: drop that noise
  const besides = (issue: ParseResult.ArrayFormatterIssue) =>
    issues.some((o) =>
      o !== issue && !o.message.startsWith("Expected undefined") && o.path.length >= issue.path.length &&
      key(o.path.slice(0, issue.path.length)) === key(issue.path)
    )
  const telling = issues.filter((i) => !(i.message.startsWith("Expected undefined") && besides(i)))
  const text = (issue: ParseResult.ArrayFormatterIssue) =>
    issue._tag === "Missing"
      ? "is missing"
      : issue._tag === "Unexpected"
      ? "unknown key"
      : (issue.path.some((segment) => keys.has(String(segment)))
        ? issue.message.replace(/, actual [\s\S]*$/, ", actual value not shown (a secret)")
        // an object or array found where a value goes is named by its type: whatever it holds stays unquoted
        : withoutSecrets(issue.message, secrets).replace(/, actual ([[{])[\s\S]*$/, (_, open) => `, actual ${open === "[" ? "an array" : "an object"}`))
        .replace(/\s+/g, " ")
  const [first, ...rest] = telling.length > 0 ? telling : issues
  if (first === undefined) return { path: "", detail: "does not match the expected shape" }
  // the input as a whole is of the wrong type (a JSON string holding the config, an array of configs): its type
  // says enough, its text may hold every secret
  if (first.path.length === 0 && first._tag === "Type" && expectsObject && !isJsonObject(value)) {
    return { path: "", detail: `must be a JSON object, not ${jsonType(value)}` }
  }
  const path = (issue: ParseResult.ArrayFormatterIssue) => withoutSecrets(jsonPath(issue.path), secrets)
  const more = rest.slice(0, 2).map((i) => `; at ${path(i) || "(top)"}: ${text(i)}`).join("")
  const others = rest.length > 2 ? ` (and ${rest.length - 2} more)` : ""
  return { path: path(first), detail: `${text(first)}${more}${others}` }
}

const jsonType = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
    ? "an array"
    : typeof value === "string"
    ? "a string"
    : typeof value === "number"
    ? "a number"
    : typeof value === "boolean"
    ? "a boolean"
    : "an object"

/** Whether a schema's values are JSON objects (a struct, through refinements and transformations). */
const isObjectSchema = (ast: AST.AST): boolean =>
  ast._tag === "TypeLiteral" ||
  (ast._tag === "Refinement" && isObjectSchema(ast.from)) ||
  (ast._tag === "Transformation" && isObjectSchema(ast.from))

/** Whether a schema is of a secret: its JSON Schema carries Airbyte's `airbyte_secret` (through refinements, `Redacted`, optional). */
const isSecret = (ast: AST.AST): boolean => {
  const annotation = AST.getJSONSchemaAnnotation(ast)
  if (annotation._tag === "Some" && (annotation.value as { airbyte_secret?: unknown }).airbyte_secret === true) return true
  switch (ast._tag) {
    case "Refinement":
      return isSecret(ast.from)
    case "Transformation":
      return isSecret(ast.from) || isSecret(ast.to)
    case "Union":
      return ast.types.some(isSecret)
    default:
      return false
  }
}

/** The names of the properties that hold secrets, at any depth of a schema. */
const secretKeys = (root: AST.AST): Set<string> => {
  const keys = new Set<string>()
  const seen = new Set<AST.AST>()
  const visit = (ast: AST.AST): void => {
    if (seen.has(ast)) return
    seen.add(ast)
    switch (ast._tag) {
      case "TypeLiteral":
        for (const property of ast.propertySignatures) {
          if (isSecret(property.type)) keys.add(String(property.name))
          visit(property.type)
        }
        return
      case "Refinement":
        return visit(ast.from)
      case "Transformation":
        visit(ast.from)
        return visit(ast.to)
      case "Union":
        return ast.types.forEach(visit)
      case "TupleType":
        ast.elements.forEach((e) => visit(e.type))
        return ast.rest.forEach((r) => visit(r.type))
      default:
        return
    }
  }
  visit(root)
  return keys
}

/** A string, number or boolean held under a secret. */
type Leaf = string | number | boolean

/** Everything held under a secret key of a JSON value (strings, numbers, booleans, object keys), however deep. */
const secretValues = (value: unknown, keys: ReadonlySet<string>): Array<Leaf> => {
  const found: Array<Leaf> = []
  const leaves = (u: unknown): void => {
    if (typeof u === "string" || typeof u === "boolean" || (typeof u === "number" && Number.isFinite(u))) found.push(u)
    else if (Array.isArray(u)) u.forEach(leaves)
    else if (typeof u === "object" && u !== null) {
      for (const [key, v] of Object.entries(u)) {
        found.push(key)
        leaves(v)
      }
    }
  }
  const walk = (u: unknown): void => {
    if (Array.isArray(u)) u.forEach(walk)
    else if (typeof u === "object" && u !== null) {
      for (const [key, v] of Object.entries(u)) (keys.has(key) ? leaves(v) : walk(v))
    }
  }
  if (keys.size > 0) walk(value)
  return found
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A problem's message with the secrets of the input replaced by `***`: a problem above a secret (the config as
 * a whole) shows the value found, which holds it. Strings are replaced where quoted, numbers and booleans
 * where they stand alone.
 */
const withoutSecrets = (text: string, secrets: ReadonlyArray<Leaf>): string =>
  secrets.reduce<string>(
    (out, secret) =>
      typeof secret === "string"
        ? out.split(JSON.stringify(secret)).join('"***"')
        : out.replace(new RegExp(`(?<![\\w.])${escapeRegExp(String(secret))}(?![\\w.])`, "g"), "***"),
    text
  )

/**
 * Decode a parsed JSON value. Unknown keys are errors by default (they are typos more often than not); inputs
 * that other tools write too (catalogs, state) ignore them. The values of secrets (properties whose schema
 * carries `airbyte_secret`) never appear in the error.
 */
export const decodeJson = <A, I>(
  schema: Schema.Schema<A, I>,
  from: InputSource,
  options: { readonly onExcessProperty: "error" | "ignore" } = { onExcessProperty: "error" }
) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: options.onExcessProperty })
  const secrets = secretKeys(schema.ast)
  const expectsObject = isObjectSchema(schema.ast)
  return (value: unknown): Effect.Effect<A, InputError> =>
    Either.match(decode(value), {
      onLeft: (error) => {
        const found = secretValues(value, secrets)
        // whatever prints this error (or a later one) hides them too
        for (const secret of found) if (typeof secret === "string") registerSecret(secret)
        const { path, detail } = describe(error, secrets, found, value, expectsObject)
        return Effect.fail(new InputError({ reason: "Invalid", ...from, path, detail }))
      },
      onRight: Effect.succeed
    })
}

/** Read a JSON file and decode it. */
export const readJsonFileAs = <A, I>(schema: Schema.Schema<A, I>, from: InputSource) =>
  Effect.flatMap(readJsonFile(from), decodeJson(schema, from))
