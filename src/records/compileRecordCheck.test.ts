/**
 * The compiled record check: each keyword's meaning, and for every stream of the project the same verdict as
 * Ajv (a general JSON Schema validator) on thousands of generated records, valid and broken.
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { compileRecordCheck } from "./compileRecordCheck.js"

const check = (schema: Record<string, unknown>) => {
  const compiled = compileRecordCheck(schema)
  if (compiled === undefined) throw new Error("not compiled")
  return compiled
}

describe("compileRecordCheck: keywords", () => {
  it("types: integer is a whole number, number is finite, object is neither null nor an array", () => {
    const integer = check({ type: "integer" })
    expect([1, -3, 2.0].map(integer)).toEqual([true, true, true])
    expect([1.5, "1", null].map(integer)).toEqual([false, false, false])
    const object = check({ type: "object" })
    expect([{}, null, [], "x"].map(object)).toEqual([true, false, false, false])
    const nullable = check({ type: ["string", "null"] })
    expect(["a", null, 0].map(nullable)).toEqual([true, true, false])
    expect(check({ type: "number" })(Number.POSITIVE_INFINITY)).toBe(false)
  })

  it("required and properties, nested; keywords for other types do not apply", () => {
    const member = check({
      type: "object",
      required: ["id"],
      properties: { id: { type: "string" }, name: { type: "object", required: ["given"], properties: { given: { type: "string" } } } }
    })
    expect(member({ id: "m1" })).toBe(true)
    expect(member({ id: "m1", name: { given: "Ann" }, extra: 1 })).toBe(true)
    expect(member({})).toBe(false)
    expect(member({ id: 7 })).toBe(false)
    expect(member({ id: "m1", name: {} })).toBe(false)
    expect(member({ id: "m1", name: { given: 3 } })).toBe(false)
    // no type: object keywords apply to objects only
    expect(check({ required: ["id"], minLength: 2 })("abc")).toBe(true)
    expect(check({ required: ["id"], minLength: 2 })({})).toBe(false)
  })

  it("names Object.prototype also has are read only when the record owns them", () => {
    const c = check({ type: "object", required: ["constructor"], properties: { toString: { type: "string" } } })
    expect(c({})).toBe(false)
    expect(c({ constructor: "x" })).toBe(true)
    expect(c(JSON.parse('{"constructor":"x","toString":5}'))).toBe(false)
  })

  it("additionalProperties false or a schema", () => {
    const closed = check({ type: "object", properties: { a: { type: "string" } }, additionalProperties: false })
    expect(closed({ a: "x" })).toBe(true)
    expect(closed({ a: "x", b: 1 })).toBe(false)
    const map = check({ type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "integer" } })
    expect(map({ a: "x", b: 1, c: 2 })).toBe(true)
    expect(map({ a: "x", b: "y" })).toBe(false)
  })

  it("anyOf, oneOf, allOf, enum, const", () => {
    expect(check({ anyOf: [{ type: "string" }, { type: "null" }] })(null)).toBe(true)
    expect(check({ anyOf: [{ type: "string" }, { type: "null" }] })(1)).toBe(false)
    const one = check({ oneOf: [{ type: "integer" }, { type: "number" }] })
    expect([1.5, 1].map(one)).toEqual([true, false])
    const all = check({ allOf: [{ type: "object", required: ["a"] }, { type: "object", required: ["b"] }] })
    expect([{ a: 1, b: 2 }, { a: 1 }].map(all)).toEqual([true, false])
    const status = check({ type: "string", enum: ["active", "terminated"] })
    expect(["active", "gone"].map(status)).toEqual([true, false])
    expect(check({ const: null })(null)).toBe(true)
    expect(check({ const: 3 })(4)).toBe(false)
  })

  it("strings: pattern, lengths in UTF-16 units; numbers: bounds and multipleOf", () => {
    const day = check({ type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" })
    expect(["2025-01-31", "2025-1-31", "x2025-01-31"].map(day)).toEqual([true, false, false])
    const short = check({ type: "string", minLength: 2, maxLength: 3 })
    expect(["a", "ab", "abcd"].map(short)).toEqual([false, true, false])
    const amount = check({ type: "integer", minimum: 0, exclusiveMaximum: 100 })
    expect([-1, 0, 99, 100].map(amount)).toEqual([false, true, true, false])
    expect([10, 15].map(check({ type: "integer", multipleOf: 5 }))).toEqual([true, true])
    expect(check({ type: "integer", multipleOf: 5 })(12)).toBe(false)
  })

  it("arrays: items, minItems, maxItems", () => {
    const tags = check({ type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 })
    expect([["a"], ["a", "b"], [], ["a", "b", "c"], ["a", 1]].map(tags)).toEqual([true, true, false, false, false])
  })

  it("$ref into $defs, recursive", () => {
    const tree = check({
      $ref: "#/$defs/Node",
      $defs: { Node: { type: "object", required: ["name"], properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } } } }
    })
    expect(tree({ name: "a", children: [{ name: "b", children: [{ name: "c" }] }] })).toBe(true)
    expect(tree({ name: "a", children: [{ name: "b", children: [{}] }] })).toBe(false)
  })

  it("a keyword it does not know is not compiled (the caller uses the Effect schema)", () => {
    expect(compileRecordCheck({ type: "object", patternProperties: { "^x": { type: "string" } } })).toBeUndefined()
    expect(compileRecordCheck({ $ref: "#/$defs/Missing" })).toBeUndefined()
    expect(compileRecordCheck({ type: "date" })).toBeUndefined()
  })

  it("property names are data, never code", () => {
    const odd = check({ type: "object", required: ['"); throw 1; ("', "a\nb"], properties: { "\\": { type: "string" } } })
    expect(odd({ '"); throw 1; ("': 1, "a\nb": 2, "\\": "x" })).toBe(true)
    expect(odd({ '"); throw 1; ("': 1, "a\nb": 2, "\\": 3 })).toBe(false)
  })
})

/** A small seeded generator (the same records every run). */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** A value for a schema: mostly valid, now and then broken in one of the ways a bad API response is. */
const generator = (root: Json, next: () => number) => {
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!
  const resolve = (node: Json): Json => {
    const ref = node["$ref"]
    if (typeof ref !== "string") return node
    return (root["$defs"] as Json)[ref.split("/").pop()!] as Json
  }
  const broken = (): unknown => pick([null, 42, 1.5, "text", true, [], {}, "2025-13-45T99:99", "abc"])
  const value = (raw: unknown, depth: number, breakRate: number): unknown => {
    if (!isObject(raw)) return null
    const node = resolve(raw)
    if (next() < breakRate) return broken()
    if (Array.isArray(node["anyOf"])) return value(pick(node["anyOf"]), depth, breakRate)
    if (Array.isArray(node["allOf"])) return value(node["allOf"][0], depth, breakRate)
    if (Array.isArray(node["enum"])) return pick(node["enum"])
    const type = Array.isArray(node["type"]) ? pick(node["type"]) : node["type"]
    switch (type) {
      case "string":
        if (typeof node["pattern"] === "string") {
          const candidates = ["2025-01-31", "2025-01-31T10:00:00Z", "USD", "2025-01-31T10:00:00.123+02:00", "usd", "31/01/2025"]
          // a matching value, and now and then (when breaking) any of them
          const pattern = new RegExp(node["pattern"], "u")
          const matching = candidates.filter((c) => pattern.test(c))
          return pick(next() < breakRate * 5 || matching.length === 0 ? candidates : matching)
        }
        return pick(["", "a", "Zoë", "member 1", "x".repeat(300)])
      case "integer":
        return next() < breakRate * 5 ? 2.5 : pick([0, 1, -5, 123_456])
      case "number":
        return pick([0, 1.5, -2, 1e9])
      case "boolean":
        return next() < 0.5
      case "null":
        return null
      case "array":
        return depth > 4 ? [] : Array.from({ length: Math.floor(next() * 3) }, () => value(node["items"], depth + 1, breakRate))
      default: {
        const out: Json = {}
        const properties = isObject(node["properties"]) ? node["properties"] : {}
        const required = new Set(Array.isArray(node["required"]) ? node["required"] : [])
        for (const [name, schema] of Object.entries(properties)) {
          if (depth > 4 && !required.has(name)) continue
          if (required.has(name) && next() < breakRate) continue // a required field missing
          if (!required.has(name) && next() < 0.3) continue
          out[name] = value(schema, depth + 1, breakRate)
        }
        if (next() < 0.2) out["unknown_field"] = broken()
        return out
      }
    }
  }
  return (breakRate: number) => value(root, 0, breakRate)
}

describe("compileRecordCheck: the same verdict as Ajv on every stream's records", () => {
  const { records } = loadProjectConnector()
  const ajv = new Ajv({ strict: false, validateFormats: false })

  for (const stream of records.streams) {
    it(stream.stream, () => {
      const schema = records.jsonSchema(stream.stream) as Json
      const ours = check(schema)
      const reference = ajv.compile(schema)
      const generate = generator(schema, random(stream.stream.length * 7_919))
      let valid = 0
      let invalid = 0
      for (let i = 0; i < 1_500; i++) {
        // a third clean, the rest with a growing share of broken values
        const record = generate([0, 0.05, 0.15][i % 3]!)
        const expected = reference(record) as boolean
        if (ours(record) !== expected) throw new Error(`${stream.stream}: Ajv says ${expected} for ${JSON.stringify(record)}`)
        if (expected) valid++
        else invalid++
      }
      // both verdicts were exercised
      expect(valid).toBeGreaterThan(150)
      expect(invalid).toBeGreaterThan(150)
    })
  }
})
