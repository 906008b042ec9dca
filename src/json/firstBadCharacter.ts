/**
 * Where a JSON text stops being JSON, for the syntax errors whose V8 message quotes the text (which may hold a
 * secret) instead of giving a position: one pass over the text, following JSON's grammar (RFC 8259).
 */

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d])
const ESCAPES = new Set([..."\"\\/bfnrtu"].map((c) => c.charCodeAt(0)))
const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

/**
 * What the scanner expects next: a value, a value or `]` (after `[`), a key or `}` (after `{`), a key (after `,`
 * in an object), a colon, or what may follow a value (`,`, the closing bracket, or the end of the text).
 */
type Expect = "value" | "valueOrEnd" | "keyOrEnd" | "key" | "colon" | "next"

/** The offset of the first character at which a JSON text stops being JSON (its length when it is JSON, or only cut short). */
export const firstBadCharacter = (text: string): number => {
  const n = text.length
  /** the open brackets, innermost last: true for an object */
  const open: Array<boolean> = []
  let i = 0
  let expect: Expect = "value"
  /** past a string starting at `i`; the offset of a bad character in it, or -1 */
  const string = (): number => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return -1
      }
      if (c < 0x20) return i
      if (c === 0x5c) {
        i++
        if (i >= n) return -1
        const escaped = text.charCodeAt(i)
        if (!ESCAPES.has(escaped)) return i
        if (escaped === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++
            if (i >= n) return -1
            if (!isHex(text.charCodeAt(i))) return i
          }
        }
      }
    }
    return -1
  }
  /** past the digits at `i`; the offset of a bad character when there is not one, or -1 */
  const digits = (): number => {
    if (i >= n) return -1
    if (!isDigit(text.charCodeAt(i))) return i
    while (i < n && isDigit(text.charCodeAt(i))) i++
    return -1
  }
  /** past a number starting at `i`; the offset of a bad character in it, or -1 */
  const number = (): number => {
    if (text.charCodeAt(i) === 0x2d) i++
    if (i < n && text.charCodeAt(i) === 0x30) i++
    else {
      const bad = digits()
      if (bad >= 0) return bad
    }
    if (i < n && text.charCodeAt(i) === 0x2e) {
      i++
      const bad = digits()
      if (bad >= 0) return bad
    }
    if (i < n && (text.charCodeAt(i) | 0x20) === 0x65) {
      i++
      if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++
      return digits()
    }
    return -1
  }
  /** past `true`, `false` or `null` at `i`; the offset of a bad character in it, or -1 */
  const literal = (word: string): number => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= n) return -1
      if (text.charCodeAt(i) !== word.charCodeAt(k)) return i
    }
    return -1
  }
  while (true) {
    while (i < n && WHITESPACE.has(text.charCodeAt(i))) i++
    if (i >= n) return n
    const c = text.charCodeAt(i)
    const inObject = open[open.length - 1]
    // a closing bracket: after a value, or of an empty array or object
    if (inObject !== undefined && c === (inObject ? 0x7d : 0x5d) && (expect === "next" || expect === "valueOrEnd" || expect === "keyOrEnd")) {
      open.pop()
      i++
      expect = "next"
      continue
    }
    let bad = -1
    switch (expect) {
      case "value":
      case "valueOrEnd":
        if (c === 0x7b || c === 0x5b) {
          open.push(c === 0x7b)
          i++
          expect = c === 0x7b ? "keyOrEnd" : "valueOrEnd"
        } else {
          if (c === 0x22) bad = string()
          else if (c === 0x2d || isDigit(c)) bad = number()
          else if (c === 0x74) bad = literal("true")
          else if (c === 0x66) bad = literal("false")
          else if (c === 0x6e) bad = literal("null")
          else bad = i
          expect = "next"
        }
        break
      case "keyOrEnd":
      case "key":
        if (c === 0x22) {
          bad = string()
          expect = "colon"
        } else bad = i
        break
      case "colon":
        if (c === 0x3a) {
          i++
          expect = "value"
        } else bad = i
        break
      case "next":
        if (inObject !== undefined && c === 0x2c) {
          i++
          expect = inObject ? "key" : "value"
        } else bad = i
        break
    }
    if (bad >= 0) return bad
  }
}
