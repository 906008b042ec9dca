/**
 * Records written out as the API sent them: `scanBody` finds each record of a one-array body in the pass that
 * checks the depth, and a RECORD line built from a record's kept text says what `JSON.stringify` of the message
 * says; a record changed since it was parsed, a body of another shape, or a line break inside a record, fall
 * back to serializing.
 */
import { describe, expect, it } from "@effect/vitest"
import { recordLines } from "../cli/airbyte/AirbyteOutput.js"
import { nestingBeyond, scanBody } from "./jsonStructure.js"
import { forgetRecordTexts, recordTexts, rememberRecordTexts } from "./recordText.js"

const parsedWithTexts = (text: string) => {
  const body = JSON.parse(text) as { items: Array<Record<string, unknown>> }
  const { items } = scanBody(text, 64)
  if (items !== undefined) rememberRecordTexts(body, text, items)
  return body
}

const asMessages = (lines: string) => lines.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown)

describe("records as the API sent them", () => {
  it("each record of a page keeps its own text, and the RECORD lines parse to the messages", () => {
    const text = `{"items":[{"id":"a","n":1.50,"s":"q\\"}{[,","nested":{"x":[1,{"y":2}]}}, {"id":"b","e":"\\u00e9"}],"next_cursor":"p1"}`
    const body = parsedWithTexts(text)
    expect(body.items.map((_, i) => recordTexts(body.items)!(i))).toEqual([
      `{"id":"a","n":1.50,"s":"q\\"}{[,","nested":{"x":[1,{"y":2}]}}`,
      `{"id":"b","e":"\\u00e9"}`
    ])
    const lines = recordLines("members", body.items, 1234)
    expect(lines.endsWith("\n")).toBe(true)
    expect(asMessages(lines)).toEqual(body.items.map((data) => ({ type: "RECORD", record: { stream: "members", data, emitted_at: 1234 } })))
  })

  it("records changed after parsing are serialized with their change; a filtered page is serialized", () => {
    const body = parsedWithTexts(`{"items":[{"id":"a"},{"id":"b"}],"next_cursor":null}`)
    expect(recordTexts(body.items.filter((r) => r["id"] === "b"))).toBeUndefined()
    forgetRecordTexts(body.items)
    body.items[1]!["payroll_id"] = "p"
    expect(recordLines("paystubs", body.items, 1)).toBe(
      `{"type":"RECORD","record":{"stream":"paystubs","data":{"id":"a"},"emitted_at":1}}\n` +
        `{"type":"RECORD","record":{"stream":"paystubs","data":{"id":"b","payroll_id":"p"},"emitted_at":1}}\n`
    )
  })

  it("no texts for other shapes, line breaks inside records or scalar elements; depth as nestingBeyond says", () => {
    for (
      const text of [
        `[{"id":"a"}]`,
        `{"items":[{"id":"a"}],"more":[{"id":"b"}]}`,
        `{"items":[{"id":\n"a"}]}`,
        `{"items":[{"id":"a"},2]}`,
        `{"items":[{"id":"a"},"x"]}`,
        `{"items":[[1]]}`
      ]
    ) {
      const body = JSON.parse(text) as unknown
      const { items } = scanBody(text, 64)
      if (items !== undefined) rememberRecordTexts(body, text, items)
      const arrays = Array.isArray(body) ? [body] : Object.values(body as object).filter((v) => Array.isArray(v))
      for (const records of arrays) expect(recordTexts(records as Array<unknown>), text).toBeUndefined()
    }
    // a line break between records is no matter
    const spaced = parsedWithTexts(`{\n  "items": [\n    {"id":"a"},\n    {"id":"b"}\n  ]\n}`)
    expect(spaced.items.map((_, i) => recordTexts(spaced.items)!(i))).toEqual([`{"id":"a"}`, `{"id":"b"}`])
    const deep = `{"items":[${"[".repeat(70)}${"]".repeat(70)}]}`
    expect(scanBody(deep, 64).beyond).toBe(nestingBeyond(deep, 64))
    expect(scanBody(deep, 64).beyond).toBeDefined()
  })
})
