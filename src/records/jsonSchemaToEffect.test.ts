import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { DATE_TIME_PATTERN, jsonSchemaToEffect, makeConverter } from "./jsonSchemaToEffect.js"
import { makeValidator, toJsonSchema } from "./RecordSchemas.js"

const is = (node: unknown, document?: unknown) => Schema.is(jsonSchemaToEffect(node, document))

describe("jsonSchemaToEffect", () => {
  it("maps the primitive types, integer being a whole number", () => {
    expect(is({ type: "string" })("a")).toBe(true)
    expect(is({ type: "string" })(1)).toBe(false)
    expect(is({ type: "integer" })(12)).toBe(true)
    expect(is({ type: "integer" })(12.5)).toBe(false)
    expect(is({ type: "number" })(12.5)).toBe(true)
    expect(is({ type: "boolean" })(false)).toBe(true)
    expect(is({ type: "null" })(null)).toBe(true)
    expect(is({ type: "null" })(undefined)).toBe(false)
    expect(is({ type: "array", items: { type: "integer" } })([1, 2])).toBe(true)
    expect(is({ type: "array", items: { type: "integer" } })([1, "2"])).toBe(false)
    expect(is({})(Symbol.for("anything"))).toBe(true)
  })

  it("takes a list of types as a union, null included", () => {
    const nullableString = is({ type: ["string", "null"] })
    expect(nullableString("a")).toBe(true)
    expect(nullableString(null)).toBe(true)
    expect(nullableString(1)).toBe(false)
    const nullableObject = is({ type: ["object", "null"], required: ["id"], properties: { id: { type: "string" } } })
    expect(nullableObject(null)).toBe(true)
    expect(nullableObject({ id: "x" })).toBe(true)
    expect(nullableObject({})).toBe(false)
  })

  it("checks enum and const as literals, within the declared type", () => {
    const status = is({ type: "string", enum: ["opened", "closed"] })
    expect(status("opened")).toBe(true)
    expect(status("paused")).toBe(false)
    expect(is({ type: ["string", "null"], enum: ["a", null] })(null)).toBe(true)
    expect(is({ type: "string", enum: ["a", null] })(null)).toBe(false)
    expect(is({ const: 3 })(3)).toBe(true)
    expect(is({ const: 3 })(4)).toBe(false)
  })

  it("keeps date and date-time as strings, checking their shape leniently", () => {
    const dateTime = is({ type: "string", format: "date-time" })
    for (const ok of ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.123+02:00", "2025-01-15t10:00:00z", "2025-01-15 10:00:00", "2025-01-15T10:00+0200"]) {
      expect(dateTime(ok), ok).toBe(true)
    }
    for (const bad of ["yesterday", "2025-01-15", "15/01/2025 10:00", ""]) expect(dateTime(bad), bad).toBe(false)
    expect(DATE_TIME_PATTERN.test("2019-08-20T15:00:12Z")).toBe(true)
    const date = is({ type: "string", format: "date" })
    expect(date("2025-01-15")).toBe(true)
    expect(date("2025-01-15T10:00:00Z")).toBe(false)
    expect(date("2025-1-5")).toBe(false)
    // other formats are not checked
    expect(is({ type: "string", format: "email" })("not an email")).toBe(true)
  })

  it("makes non-required properties optional and accepts properties it does not know", () => {
    const schema = { type: "object", required: ["id"], properties: { id: { type: "string" }, n: { type: "integer" } } }
    const check = is(schema)
    expect(check({ id: "a" })).toBe(true)
    expect(check({ id: "a", n: 1, extra: { anything: true } })).toBe(true)
    expect(check({ n: 1 })).toBe(false)
    expect(check({ id: "a", n: "1" })).toBe(false)
    expect(check([])).toBe(false)
    expect(check(null)).toBe(false)
    // required without a description: present, any value
    expect(is({ type: "object", required: ["x"] })({ x: null })).toBe(true)
    expect(is({ type: "object", required: ["x"] })({})).toBe(false)
    // an object without properties is any object
    expect(is({ type: "object" })({ a: 1 })).toBe(true)
    expect(is({ type: "object" })("a")).toBe(false)
  })

  it("resolves $ref against the document and names components, so JSON Schema gets $defs", () => {
    const document = {
      components: {
        schemas: {
          Money: { type: "object", required: ["amount"], properties: { amount: { type: "integer" }, currency: { type: "string" } } },
          Line: { type: "object", properties: { total: { $ref: "#/components/schemas/Money", description: "The total." } } }
        }
      }
    }
    const converter = makeConverter(document)
    const line = converter.component("Line")
    expect(converter.component("Line")).toBe(line)
    expect(Schema.is(line)({ total: { amount: 5 } })).toBe(true)
    expect(Schema.is(line)({ total: { amount: 5.5 } })).toBe(false)
    const json: any = toJsonSchema(converter.convert({ type: "object", properties: { line: { $ref: "#/components/schemas/Line" } } }))
    expect(json.$defs).toHaveProperty("Money")
    expect(json.$defs).toHaveProperty("Line")
    expect(json.properties.line).toEqual({ $ref: "#/$defs/Line" })
    // the description beside a $ref describes the use
    expect(json.$defs.Line.properties.total).toEqual({ allOf: [{ $ref: "#/$defs/Money" }], description: "The total." })
  })

  it("guards recursive references", () => {
    const document = {
      components: {
        schemas: {
          Node: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } }
          }
        }
      }
    }
    const node = makeConverter(document).component("Node")
    expect(Schema.is(node)({ name: "a", children: [{ name: "b", children: [{ name: "c" }] }] })).toBe(true)
    expect(Schema.is(node)({ name: "a", children: [{ name: "b", children: [{ name: 3 }] }] })).toBe(false)
    const json: any = toJsonSchema(node)
    expect(json.$defs.Node.properties.children.items).toEqual({ $ref: "#/$defs/Node" })
  })

  it("merges allOf object schemas, and unions oneOf/anyOf", () => {
    const document = {
      components: { schemas: { Base: { type: "object", required: ["id"], properties: { id: { type: "string" } } } } }
    }
    const merged = is({
      allOf: [{ $ref: "#/components/schemas/Base" }],
      type: "object",
      required: ["n"],
      properties: { n: { type: "integer" } }
    }, document)
    expect(merged({ id: "a", n: 1 })).toBe(true)
    expect(merged({ n: 1 })).toBe(false)
    expect(merged({ id: "a" })).toBe(false)
    const either = is({ oneOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^\\d+ s$" }] })
    expect(either(30)).toBe(true)
    expect(either("30 s")).toBe(true)
    expect(either(-1)).toBe(false)
    expect(either("soon")).toBe(false)
    expect(is({ anyOf: [{ type: "string" }, { type: "null" }] })(null)).toBe(true)
  })

  it("ignores keywords it does not support rather than rejecting values", () => {
    const lenient = is({ type: "object", properties: { a: { type: "string", contentEncoding: "base64", "x-whatever": 1 } }, unevaluatedProperties: false, patternProperties: { "^x": { type: "integer" } } })
    expect(lenient({ a: "zz", xb: "not an integer" })).toBe(true)
    expect(is({ type: "string", pattern: "(?<!unsupported" })("anything")).toBe(true)
  })

  it("turns title and description into annotations, without changing error messages", () => {
    const schema = jsonSchemaToEffect({ type: "integer", title: "Amount", description: "In cents." })
    expect(toJsonSchema(schema)).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "integer",
      title: "Amount",
      description: "In cents."
    })
    expect(makeValidator(schema)(1.5)).toEqual({ path: "", message: "Expected an integer" })
    const name = jsonSchemaToEffect({ type: "object", properties: { n: { type: "string", description: "The name." } } })
    expect(makeValidator(name)({ n: 1 })).toEqual({ path: "n", message: "Expected a string" })
  })
})
