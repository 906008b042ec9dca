import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import addFormats from "ajv-formats"
import { Schema } from "effect"
import * as YAML from "yaml"
import { closure } from "../scopes/ScopeAlgebra.js"
import { projectFile, specFile, loadProjectConnector } from "../../test-support/projectManifest.js"
import type { StreamModel } from "../model/Connector.js"
import { deref, isJsonObject } from "../spec/document.js"
import { makeRecordSchemas, parseSpecDocument, selectorPath } from "./RecordSchemas.js"
import { successContent } from "../spec/document.js"

const connector = loadProjectConnector()
const document = parseSpecDocument(readFileSync(projectFile(specFile), "utf8"))
const streams = connector.streams
const schemas = makeRecordSchemas(
  streams.map((s) => ({
    stream: s.name,
    method: s.endpoint.method,
    path: s.endpoint.path,
    records: s.records,
    added: [
      ...(s.partitioning._tag === "Parent" ? [{ name: s.partitioning.param, description: "the parent key" }] : []),
      ...(s.syntheticKey === undefined ? [] : [{ name: s.syntheticKey.field, description: "a key" }])
    ]
  })),
  document,
  YAML.parse(readFileSync(projectFile("connector.yaml"), "utf8")).field_scopes,
  (scopes) => closure(connector.scopeGraph, scopes)
)

/** The records a selector picks out of a response body (as the runtime does). */
const selectRecords = (body: unknown, selector: string): Array<unknown> => {
  const path = selectorPath(selector)
  if (path.length === 0) return [body]
  let value: unknown = body
  for (const segment of path) {
    if (segment === "*") return Array.isArray(value) ? value : []
    value = isJsonObject(value) ? value[segment] : undefined
  }
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** Every record of the named examples of a stream's endpoint response, with the parent key a child gets. */
const exampleRecords = (stream: StreamModel): Array<{ example: string; record: unknown }> => {
  const content = successContent(document, stream.endpoint.method, stream.endpoint.path)
  const examples = isJsonObject(content?.["examples"]) ? content["examples"] : {}
  return Object.entries(examples).flatMap(([example, raw]) => {
    const value = (deref(document, raw) as { value?: unknown }).value
    return selectRecords(value, stream.records).map((record) => ({
      example,
      // the fields the connector adds: the parent key, a synthetic key
      record: !isJsonObject(record) ? record : {
        ...(stream.partitioning._tag === "Parent" ? { [stream.partitioning.param]: "parent-0001" } : {}),
        ...(stream.syntheticKey === undefined ? {} : { [stream.syntheticKey.field]: "k" }),
        ...record
      }
    }))
  })
}

const maya = (() => {
  const members = streams.find((s) => s.name === "members")!
  return exampleRecords(members)[0]!.record as Record<string, any>
})()

const ajv = new Ajv({ strict: false, allErrors: true })
;(addFormats as unknown as (a: Ajv) => void)(ajv)

describe("record schemas", () => {
  it("gives every stream of the manifest a record schema, an object JSON Schema and a validator", () => {
    expect(schemas.streams.map((s) => s.stream)).toEqual(streams.map((s) => s.name))
    for (const stream of streams) {
      expect(Schema.isSchema(schemas.schema(stream.name))).toBe(true)
      const json = schemas.jsonSchema(stream.name) as any
      expect(json.$schema, stream.name).toBe("http://json-schema.org/draft-07/schema#")
      expect(json.type, stream.name).toBe("object")
      expect(Object.keys(json.properties).length, stream.name).toBeGreaterThan(0)
      expect(Array.isArray(json.required), stream.name).toBe(true)
      expect([true, undefined], stream.name).toContain(json.additionalProperties)
      for (const pk of stream.primaryKey) expect(Object.keys(json.properties), `${stream.name}.${pk}`).toContain(pk)
      expect(typeof schemas.validator(stream.name)).toBe("function")
    }
  })

  it("accepts every example of the spec, for every stream (and so does Ajv with the JSON Schema)", () => {
    for (const stream of streams) {
      const records = exampleRecords(stream)
      expect(records.length, `examples of ${stream.name}`).toBeGreaterThan(0)
      const validate = schemas.validator(stream.name)
      const ajvValidate = ajv.compile(schemas.jsonSchema(stream.name))
      for (const { example, record } of records) {
        expect(validate(record), `${stream.name} / ${example}`).toBeUndefined()
        expect(ajvValidate(record), `${stream.name} / ${example}: ${ajv.errorsText(ajvValidate.errors)}`).toBe(true)
      }
    }
  })

  it("rejects a member with a wrong type, naming the field; accepts unknown fields", () => {
    const validate = schemas.validator("members")
    expect(validate(maya)).toBeUndefined()
    expect(validate({ ...maya, name: { ...maya["name"], given_name: 42 } })).toEqual({
      path: "name.given_name",
      message: "Expected a string"
    })
    expect(validate({ ...maya, updated_at: "yesterday" })).toEqual({
      path: "updated_at",
      message: "Expected a date-time (RFC 3339)"
    })
    expect(validate({ ...maya, emails: [{ address: "a@example.com" }, { address: 7 }] })?.path).toBe("emails[1].address")
    const { updated_at: _, ...withoutCursor } = maya
    expect(validate(withoutCursor)).toEqual({ path: "updated_at", message: "is missing" })
    expect(validate([maya])).toMatchObject({ path: "" })
    const extra = { ...maya, favourite_colour: "teal", current_pay: { ...maya["current_pay"], bonus: { amount: 1 } } }
    expect(validate(extra)).toBeUndefined()
  })

  it("accepts real-world date-times", () => {
    const validate = schemas.validator("members")
    for (const updated_at of ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.123+02:00", "2025-01-15T10:00:00.123456-05:00"]) {
      expect(validate({ id: "m1", updated_at }), updated_at).toBeUndefined()
    }
  })

  it("accepts null in nullable fields, rejects unknown enum values and fractional cents", () => {
    const validate = schemas.validator("members")
    expect(validate({ ...maya, department: null, manager: null, job_title: null, date_of_birth: null })).toBeUndefined()
    expect(validate({ ...maya, department: { id: 5 } })?.path).toBe("department.id")
    expect(validate({ ...maya, current_pay: { ...maya["current_pay"], amount: 12.5 } })).toEqual({
      path: "current_pay.amount",
      message: "Expected an integer"
    })
    expect(validate({ ...maya, name: null })?.path).toBe("name")
    const webhooks = schemas.validator("webhooks")
    expect(webhooks({ id: "w1", status: "opened", event_types: [] })).toBeUndefined()
    expect(webhooks({ id: "w1", status: "paused" })).toEqual({
      path: "status",
      message: "Expected one of \"opened\", \"closed\""
    })
    expect(webhooks({ id: "w1", status: "opened", event_types: ["member.deleted"] })?.path).toBe("event_types[0]")
    const fees = schemas.validator("payroll_fees")
    expect(fees({ payroll_id: "p1", fee_key: "processing_fee/", member_id: null, amount: 9900 })).toBeUndefined()
    expect(fees({ payroll_id: "p1", fee_key: "service_fee/m1", amount: 99.5 })?.path).toBe("amount")
    expect(schemas.validator("deductions")({ id: "d", member_id: "m", frequency: "weekly" })?.path).toBe("frequency")
  })

  it("leaves out the fields of scopes not granted, counting implied scopes", () => {
    const basic = schemas.jsonSchema("members", ["member.basic:read"]) as any
    expect(Object.keys(basic.properties)).toEqual(expect.arrayContaining(["id", "name", "emails", "updated_at"]))
    for (const field of ["date_of_birth", "current_pay", "phones", "addresses", "department", "pay_history"]) {
      expect(basic.properties, field).not.toHaveProperty(field)
    }
    const dob = schemas.jsonSchema("members", ["member.basic:read", "member.dob:read"]) as any
    expect(dob.properties).toHaveProperty("date_of_birth")
    expect(dob.properties).not.toHaveProperty("current_pay")
    const detail = schemas.jsonSchema("members", ["member.detail:read"]) as any
    expect(detail.properties).toHaveProperty("phones")
    expect(detail.properties).toHaveProperty("department")
    expect(detail.properties).toHaveProperty("name") // what member.basic:read grants
    expect(detail.properties).not.toHaveProperty("current_pay")
    const all = schemas.jsonSchema("members") as any
    expect(all.properties).toHaveProperty("current_pay")
    expect(all.properties).toHaveProperty("sex_assigned_at_birth")
    // field scopes belong to the Member schema only
    expect(Object.keys((schemas.jsonSchema("payrolls", []) as any).properties)).toContain("gross_pay")
    // a field left out is not checked either (unknown fields pass)
    expect(schemas.validator("members", ["member.basic:read"])({ ...maya, current_pay: "n/a" })).toBeUndefined()
    expect(schemas.validator("members")({ ...maya, current_pay: "n/a" })?.path).toBe("current_pay")
    expect(schemas.recordComponent("members")).toBe("Member")
  })

  it("adds the parent key, required, to child streams' records", () => {
    const fees = schemas.jsonSchema("payroll_fees") as any
    expect(fees.required).toContain("payroll_id")
    expect(fees.properties.payroll_id).toMatchObject({ type: "string" })
    expect((schemas.jsonSchema("paystubs") as any).required).toContain("payroll_id")
    expect((schemas.jsonSchema("member_custom_field_values") as any).required).toEqual(["id", "values", "member_id"])
    expect((schemas.jsonSchema("paystub_details") as any).required).toContain("paystub_id")
    expect(schemas.validator("payroll_fees")({ amount: 1 })).toEqual({ path: "payroll_id", message: "is missing" })
    // the report stream gets nothing extra
    const balances = schemas.jsonSchema("time_off_balances") as any
    expect(balances.properties).not.toHaveProperty("report_id")
    expect(balances.required).toEqual(["member_id", "policy_id"])
  })

  it("gives derived streams the schema of the selected items", () => {
    const departments = schemas.jsonSchema("departments") as any
    expect(Object.keys(departments.properties)).toEqual(["id", "name"])
    expect(departments.required).toEqual(["id", "name"])
    expect(schemas.recordComponent("departments")).toBe("Department")
    const offices = schemas.jsonSchema("offices") as any
    expect(offices.properties.address).toEqual({ $ref: "#/$defs/Address" })
    expect(offices.$defs).toHaveProperty("Address")
    expect(schemas.recordComponent("offices")).toBe("Office")
    expect(schemas.validator("offices")({ id: "o", name: "HQ", address: { line1: 5 } })?.path).toBe("address.line1")
    // paystub_details: PaystubSummary merged in through allOf
    expect((schemas.jsonSchema("paystub_details") as any).properties).toHaveProperty("earnings")
    expect((schemas.jsonSchema("paystub_details") as any).properties).toHaveProperty("gross_pay")
  })

  it("caches per stream and granted scopes, and throws for an unknown stream", () => {
    expect(schemas.schema("members", ["member.basic:read"])).toBe(schemas.schema("members", ["member.basic:read"]))
    expect(schemas.validator("members")).toBe(schemas.validator("members"))
    expect(() => schemas.schema("employees")).toThrow(/unknown stream "employees"/)
    expect(() => schemas.validator("employees")).toThrow(/unknown stream/)
    expect(() => schemas.jsonSchema("employees")).toThrow(/unknown stream/)
  })
})
