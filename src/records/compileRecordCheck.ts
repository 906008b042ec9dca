/**
 * A record schema (the draft-07 JSON Schema of `toJsonSchema`) compiled to one JavaScript predicate: the
 * fast check of the hot path, built in about a millisecond where a general JSON Schema compiler takes tens
 * of milliseconds for a large record on a cold start.
 *
 * It knows the keywords a record schema is made of: `type`, `properties`, `required`,
 * `additionalProperties`, `anyOf`, `allOf`, `oneOf`, `enum` and `const` of plain values, `pattern`,
 * `minLength`/`maxLength` (UTF-16 units, as Effect's `Schema` counts), `minimum`/`maximum` and their
 * exclusive forms, `multipleOf`, `items` (one schema), `minItems`/`maxItems`, `$ref` into `$defs` or
 * `definitions`; annotations are ignored (`format` too: dates are checked by their `pattern`). A schema
 * with any other keyword is not compiled (`undefined`): the caller checks with the Effect schema instead.
 * Keywords apply to the instance types they are about, as in JSON Schema.
 */

type Node = Readonly<Record<string, unknown>>

const ANNOTATIONS = new Set([
  "$schema",
  "$comment",
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "format",
  "$defs",
  "definitions"
])

const KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "anyOf",
  "allOf",
  "oneOf",
  "enum",
  "const",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "items",
  "minItems",
  "maxItems",
  "$ref"
])

const TYPE_TESTS: Readonly<Record<string, (d: string) => string>> = {
  string: (d) => `typeof ${d} === "string"`,
  number: (d) => `(typeof ${d} === "number" && Number.isFinite(${d}))`,
  integer: (d) => `Number.isInteger(${d})`,
  boolean: (d) => `typeof ${d} === "boolean"`,
  null: (d) => `${d} === null`,
  object: (d) => `(typeof ${d} === "object" && ${d} !== null && !Array.isArray(${d}))`,
  array: (d) => `Array.isArray(${d})`
}

class Unsupported extends Error {}

const isNode = (u: unknown): u is Node => typeof u === "object" && u !== null && !Array.isArray(u)
const isPlain = (u: unknown) => u === null || typeof u === "string" || typeof u === "boolean" || (typeof u === "number" && Number.isFinite(u))
const isCount = (u: unknown): u is number => typeof u === "number" && Number.isInteger(u) && u >= 0
const literal = (value: unknown) => JSON.stringify(value)

/** The predicate of a record schema, or `undefined` when the schema uses a keyword this does not compile. */
export const compileRecordCheck = (root: Node): ((value: unknown) => boolean) | undefined => {
  try {
    return compile(root)
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

const compile = (root: Node): (value: unknown) => boolean => {
  const hoisted: Array<unknown> = []
  const functions: Array<string> = []
  const refs = new Map<string, string>()
  let names = 0
  const fresh = (prefix: string) => `${prefix}${names++}`
  const hoist = (value: unknown) => {
    hoisted.push(value)
    return `h[${hoisted.length - 1}]`
  }

  /** A named function checking `node` (for `$ref` targets and the branches of `anyOf` / `oneOf`). */
  const fn = (node: unknown): string => {
    const name = fresh("f")
    functions.push(`function ${name}(d) {\n${statements(node, "d")}return true\n}`)
    return name
  }

  const refFunction = (ref: string): string => {
    const known = refs.get(ref)
    if (known !== undefined) return known
    const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref)
    const defs = match === null ? undefined : root[match[1]!]
    const target = isNode(defs) ? defs[decodeURIComponent(match![2]!).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined
    if (target === undefined) throw new Unsupported(`unresolved $ref ${ref}`)
    const name = fresh("r")
    refs.set(ref, name)
    functions.push(`function ${name}(d) {\n${statements(target, "d")}return true\n}`)
    return name
  }

  /** Statements that `return false` when the value in variable `d` does not match `node`. */
  const statements = (node: unknown, d: string): string => {
    if (node === true) return ""
    if (node === false) return "return false\n"
    if (!isNode(node)) throw new Unsupported("not a schema")
    for (const key of Object.keys(node)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Unsupported(`keyword ${key}`)
    }
    let out = ""
    const fail = (condition: string) => (out += `if (${condition}) return false\n`)

    if (typeof node["$ref"] === "string") fail(`!${refFunction(node["$ref"])}(${d})`)
    else if (node["$ref"] !== undefined) throw new Unsupported("$ref")

    if (node["type"] !== undefined) {
      const types = Array.isArray(node["type"]) ? node["type"] : [node["type"]]
      const tests = types.map((t) => {
        const test = typeof t === "string" ? TYPE_TESTS[t] : undefined
        if (test === undefined) throw new Unsupported(`type ${String(t)}`)
        return test(d)
      })
      fail(`!(${tests.join(" || ")})`)
    }

    if (node["enum"] !== undefined || node["const"] !== undefined) {
      const values = node["enum"] !== undefined ? node["enum"] : [node["const"]]
      if (!Array.isArray(values) || !values.every(isPlain)) throw new Unsupported("enum")
      fail(values.length === 0 ? "true" : `!(${values.map((v) => `${d} === ${literal(v)}`).join(" || ")})`)
    }

    // strings
    const string: Array<string> = []
    if (node["pattern"] !== undefined) {
      if (typeof node["pattern"] !== "string") throw new Unsupported("pattern")
      string.push(`!${hoist(patternOf(node["pattern"]))}.test(${d})`)
    }
    if (node["minLength"] !== undefined) {
      if (!isCount(node["minLength"])) throw new Unsupported("minLength")
      string.push(`${d}.length < ${node["minLength"]}`)
    }
    if (node["maxLength"] !== undefined) {
      if (!isCount(node["maxLength"])) throw new Unsupported("maxLength")
      string.push(`${d}.length > ${node["maxLength"]}`)
    }
    if (string.length > 0) fail(`typeof ${d} === "string" && (${string.join(" || ")})`)

    // numbers
    const number: Array<string> = []
    const bound = (key: string, operator: string) => {
      const value = node[key]
      if (value === undefined) return
      if (typeof value !== "number" || !Number.isFinite(value)) throw new Unsupported(key)
      number.push(`${d} ${operator} ${literal(value)}`)
    }
    bound("minimum", "<")
    bound("maximum", ">")
    bound("exclusiveMinimum", "<=")
    bound("exclusiveMaximum", ">=")
    if (node["multipleOf"] !== undefined) {
      const m = node["multipleOf"]
      if (typeof m !== "number" || !(m > 0)) throw new Unsupported("multipleOf")
      number.push(`!Number.isInteger(${d} / ${literal(m)})`)
    }
    if (number.length > 0) fail(`typeof ${d} === "number" && (${number.join(" || ")})`)

    // arrays
    const items = node["items"]
    const arrayChecks = items !== undefined || node["minItems"] !== undefined || node["maxItems"] !== undefined
    if (arrayChecks) {
      let body = ""
      if (node["minItems"] !== undefined) {
        if (!isCount(node["minItems"])) throw new Unsupported("minItems")
        body += `if (${d}.length < ${node["minItems"]}) return false\n`
      }
      if (node["maxItems"] !== undefined) {
        if (!isCount(node["maxItems"])) throw new Unsupported("maxItems")
        body += `if (${d}.length > ${node["maxItems"]}) return false\n`
      }
      if (items !== undefined) {
        if (Array.isArray(items)) throw new Unsupported("items as a list")
        const item = fresh("v")
        const inner = statements(items, item)
        if (inner !== "") {
          const i = fresh("i")
          body += `for (let ${i} = 0; ${i} < ${d}.length; ${i}++) {\nconst ${item} = ${d}[${i}]\n${inner}}\n`
        }
      }
      if (body !== "") out += `if (Array.isArray(${d})) {\n${body}}\n`
    }

    // objects
    const properties = node["properties"]
    const required = node["required"]
    const additional = node["additionalProperties"]
    if (properties !== undefined && !isNode(properties)) throw new Unsupported("properties")
    if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string"))) {
      throw new Unsupported("required")
    }
    if (additional !== undefined && typeof additional !== "boolean" && !isNode(additional)) throw new Unsupported("additionalProperties")
    let object = ""
    for (const name of (required ?? []) as Array<string>) object += `if (${own(d, name)} === undefined) return false\n`
    for (const [name, schema] of Object.entries(properties ?? {})) {
      const v = fresh("v")
      const inner = statements(schema, v)
      if (inner !== "") object += `{\nconst ${v} = ${own(d, name)}\nif (${v} !== undefined) {\n${inner}}\n}\n`
    }
    if (additional !== undefined && additional !== true) {
      const declared = hoist(new Set(Object.keys(properties ?? {})))
      const k = fresh("k")
      const v = fresh("v")
      const inner = statements(additional, v)
      if (inner !== "") {
        object += `for (const ${k} in ${d}) {\nif (!Object.hasOwn(${d}, ${k}) || ${declared}.has(${k})) continue\nconst ${v} = ${d}[${k}]\n${inner}}\n`
      }
    }
    if (object !== "") {
      out += node["type"] === "object" ? object : `if (${TYPE_TESTS["object"]!(d)}) {\n${object}}\n`
    }

    // combinations
    if (node["allOf"] !== undefined) {
      if (!Array.isArray(node["allOf"])) throw new Unsupported("allOf")
      for (const branch of node["allOf"]) out += `{\n${statements(branch, d)}}\n`
    }
    if (node["anyOf"] !== undefined) {
      if (!Array.isArray(node["anyOf"]) || node["anyOf"].length === 0) throw new Unsupported("anyOf")
      fail(`!(${node["anyOf"].map((branch) => `${fn(branch)}(${d})`).join(" || ")})`)
    }
    if (node["oneOf"] !== undefined) {
      if (!Array.isArray(node["oneOf"]) || node["oneOf"].length === 0) throw new Unsupported("oneOf")
      fail(`(${node["oneOf"].map((branch) => `(${fn(branch)}(${d}) ? 1 : 0)`).join(" + ")}) !== 1`)
    }
    return out
  }

  const body = statements(root, "d")
  const source = `${functions.join("\n")}\nreturn function check(d) {\n${body}return true\n}`
  return new Function("h", source)(hoisted) as (value: unknown) => boolean
}

/** An own property: a name `Object.prototype` also has (`constructor`, `__proto__`…) is read only when the object owns it. */
const own = (d: string, name: string): string =>
  name in Object.prototype
    ? `(Object.hasOwn(${d}, ${literal(name)}) ? ${d}[${literal(name)}] : undefined)`
    : `${d}[${literal(name)}]`

/** A JSON Schema pattern: an ECMA-262 regular expression with the `u` flag where it allows one. */
const patternOf = (source: string): RegExp => {
  try {
    return new RegExp(source, "u")
  } catch {
    try {
      return new RegExp(source)
    } catch {
      throw new Unsupported(`pattern ${source}`)
    }
  }
}
