/**
 * The one-pass checks of JSON text against what JSON.parse and TextDecoder say: nesting depth (brackets in
 * strings, escaped quotes), repeated keys (as JSON reads them), and the first byte that is not UTF-8.
 */
import { describe, expect, it } from "@effect/vitest"
import { firstInvalidUtf8, nestingBeyond, structureProblem } from "./jsonStructure.js"

/** A small deterministic generator (the tests must not vary run to run). */
const random = (seed: number) => () => {
  seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0
  return ((seed ^ (seed >>> 13)) >>> 0) / 2 ** 32
}

const depthOf = (value: unknown): number =>
  typeof value === "object" && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0

/** A random JSON value: nested objects and arrays, strings holding brackets, quotes and backslashes. */
const jsonValue = (next: () => number, depth: number): unknown => {
  const pick = next()
  if (depth > 12 || pick < 0.3) {
    const strings = ["[", "]{", "\\\"}", "\\", "plain", "\u00e9\u6771", "\"[[", ""]
    return next() < 0.5 ? strings[Math.floor(next() * strings.length)] : Math.floor(next() * 100)
  }
  if (pick < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => jsonValue(next, depth + 1))
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`k${i}${next() < 0.2 ? "[{" : ""}`, jsonValue(next, depth + 1)]))
}

describe("JSON structure", () => {
  it("nestingBeyond agrees with the depth of the parsed value on 2,000 random texts", () => {
    const next = random(7)
    for (let i = 0; i < 2_000; i++) {
      const text = JSON.stringify(jsonValue(next, 0))
      const depth = depthOf(JSON.parse(text))
      expect(nestingBeyond(text, depth)).toBeUndefined()
      if (depth > 0) {
        const at = nestingBeyond(text, depth - 1)
        expect(at).toBeDefined()
        expect("[{").toContain(text[at!])
        expect(structureProblem(text, depth - 1)).toMatchObject({ kind: "depth", position: at })
      }
      expect(structureProblem(text, depth)).toBeUndefined()
    }
  })

  it("structureProblem finds the first key given twice, as JSON reads keys, with its path", () => {
    expect(structureProblem('{"a": 1, "b": {"c": [0, {"d": 1, "d": 2}]}}', 64)).toEqual({
      kind: "duplicate",
      position: 33,
      path: ["b", "c", 1, "d"]
    })
    expect(structureProblem('{"x": 1, "\\u0078": 2}', 64)).toMatchObject({ kind: "duplicate", path: ["x"] })
    expect(structureProblem('[{"a": 1}, {"a": 1}, "\\"a\\": {\\"a\\"}"]', 64)).toBeUndefined()
  })

  it("firstInvalidUtf8 agrees with a fatal TextDecoder on 3,000 mutated byte strings", () => {
    const next = random(11)
    const decoder = new TextDecoder("utf-8", { fatal: true })
    const valid = Buffer.from('{"name": "Zoë Ñúñez — 東京 🚀", "a": "\u0080\u07ff\u0800\uffff"}', "utf8")
    for (let i = 0; i < 3_000; i++) {
      const bytes = Buffer.from(valid)
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256)
      const cut = bytes.subarray(0, Math.floor(next() * bytes.length) + 1)
      const found = firstInvalidUtf8(cut)
      let decodes = true
      try {
        decoder.decode(cut)
      } catch {
        decodes = false
      }
      expect(found === undefined).toBe(decodes)
      // the bytes before the one found are well formed
      if (found !== undefined) expect(() => decoder.decode(cut.subarray(0, found))).not.toThrow()
    }
  })
})
