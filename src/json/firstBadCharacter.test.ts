import { describe, expect, it } from "@effect/vitest"
import { firstBadCharacter } from "./firstBadCharacter.js"

describe("firstBadCharacter", () => {
  it("finds the character where JSON.parse says the text stops being JSON", () => {
    // JSON.parse as the judge: a text "fails before its end" when the error is not about the text running out
    const failsBeforeEnd = (text: string) => {
      try {
        JSON.parse(text)
        return false
      } catch (e) {
        const message = (e as Error).message
        const at = / at position (\d+)/.exec(message)
        return !/^Unexpected end of JSON input|^Unterminated string/.test(message) && (at === null || Number(at[1]) < text.length)
      }
    }
    const seeds = [
      JSON.stringify({ id: "a\"b\\/\u0001é😀", n: -12.5e3, z: 0, ok: [true, false, null, [], {}], o: { "k\n": 1e-7 } }, null, 2),
      String.raw`[0, -0, 1.5, 2E+10, "a\/b\u00e9\t", {"a": [{}]}]`
    ]
    const alphabet = [..."\"\\{}[],:01-+.eEtfnux \n\r\t/", "\u0001", "\u001f", "\ufeff"]
    let state = 11
    const random = (k: number) => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) % k
    let checked = 0
    for (let round = 0; round < 3_000; round++) {
      let text = seeds[random(seeds.length)]!
      const edits = 1 + random(3)
      for (let edit = 0; edit < edits; edit++) {
        const at = random(text.length + 1)
        const ch = alphabet[random(alphabet.length)]!
        const op = random(3)
        text = op === 0 ? text.slice(0, at) + ch + text.slice(at) : text.slice(0, at) + (op === 1 ? "" : ch) + text.slice(at + 1)
      }
      if (!failsBeforeEnd(text)) continue
      const bad = firstBadCharacter(text)
      // the text up to it is JSON, or JSON cut short; with it, it is not
      expect([text, failsBeforeEnd(text.slice(0, bad))]).toEqual([text, false])
      expect([text, failsBeforeEnd(text.slice(0, bad + 1))]).toEqual([text, true])
      checked++
    }
    expect(checked).toBeGreaterThan(2_000)
    expect(firstBadCharacter('{"a": 01}')).toBe(7)
    expect(firstBadCharacter("[1, 2]")).toBe(6)
    expect(firstBadCharacter("[1, 2")).toBe(5)
  })
})
