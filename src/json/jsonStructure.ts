/**
 * What `JSON.parse` lets through without a word: nesting too deep for what comes after it (the output's
 * serializer, schema checks: recursive, they overflow the stack thousands of levels down), a key given twice
 * (the last wins, silently), bytes that are not UTF-8 (replaced, silently). Each is found in one pass over the
 * text, with its position.
 */

/** The index just past the closing quote of the string that opens at `start`; -1 if it does not end. */
const stringEnd = (text: string, start: number): number => {
  let quote = text.indexOf("\"", start + 1)
  while (quote >= 0) {
    let backslashes = 0
    for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    quote = text.indexOf("\"", quote + 1)
  }
  return -1
}

/**
 * The position of the first `{` or `[` nested deeper than `maxDepth` in a JSON text, or undefined. Brackets
 * inside strings do not count. Linear and allocation-free: it runs on every response body.
 */
export const nestingBeyond = (text: string, maxDepth: number): number | undefined => {
  let depth = 0
  const length = text.length
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      const end = stringEnd(text, i)
      if (end < 0) return undefined
      i = end - 1
    } else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return i
    } else if (c === 125 || c === 93) {
      depth--
    }
  }
  return undefined
}

/**
 * `nestingBeyond`, and in the same pass where the objects of a body's record array lie: a body that is one object
 * holding one array of objects (`{"items":[{…},{…}],"next_cursor":…}`) gives each object's start and end (flat:
 * start, end, start, end…; `end` exclusive); any other shape, or a line break inside a record, gives none. A
 * string element of the array is skipped with the strings here; `rememberRecordTexts` refuses the spans then, as
 * they no longer match the array one for one. Kept apart from `nestingBeyond`, which every other response
 * goes through without allocating.
 */
export const scanBody = (text: string, maxDepth: number): { readonly beyond: number | undefined; readonly items: Array<number> | undefined } => {
  let depth = 0
  let items: Array<number> | undefined = []
  let arrays = 0
  let topObject = false
  const length = text.length
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      const end = stringEnd(text, i)
      if (end < 0) return { beyond: undefined, items: undefined }
      i = end - 1
    } else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return { beyond: i, items: undefined }
      if (depth === 1) topObject = c === 123
      else if (depth === 2 && c === 91 && (arrays += 1) > 1) items = undefined
      else if (depth === 3 && items !== undefined) {
        // an element of the array: an object (anything else is no record array of this shape)
        if (c === 123 && arrays === 1) items.push(i)
        else items = undefined
      }
    } else if (c === 125 || c === 93) {
      if (depth === 3 && items !== undefined) items.push(i + 1)
      depth--
    } else if (c === 10 || c === 13) {
      if (depth >= 3) items = undefined
    } else if (depth === 2 && items !== undefined && arrays === 1 && c !== 44 && c !== 32 && c !== 9) {
      // a scalar element of the array
      items = undefined
    }
  }
  return { beyond: undefined, items: topObject && arrays === 1 ? items : undefined }
}

export interface StructureProblem {
  readonly kind: "depth" | "duplicate"
  /** where in the text: the bracket that goes too deep, or the repeated key */
  readonly position: number
  /** the JSON path of the value holding it (for a duplicate: of the object, then the key) */
  readonly path: ReadonlyArray<string | number>
}

interface Frame {
  /** the keys seen so far; undefined for an array */
  readonly keys: Set<string> | undefined
  /** an object's current key, an array's current index */
  at: string | number
  /** an object whose next string is a key */
  awaitingKey: boolean
}

/**
 * The first key repeated in an object, or nesting deeper than `maxDepth`, of a text that is valid JSON (parse
 * it first: this does not check the syntax). Keys are compared as JSON reads them (`"a"` and `"\u0061"` are
 * the same key).
 */
export const structureProblem = (text: string, maxDepth: number): StructureProblem | undefined => {
  const stack: Array<Frame> = []
  const pathOf = (frames: ReadonlyArray<Frame>) => frames.map((f) => f.at)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const top = stack[stack.length - 1]
    if (c === 34) {
      const end = stringEnd(text, i)
      if (end < 0) return undefined
      if (top?.keys !== undefined && top.awaitingKey) {
        const raw = text.slice(i, end)
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        top.awaitingKey = false
        if (top.keys.has(key)) return { kind: "duplicate", position: i, path: [...pathOf(stack.slice(0, -1)), key] }
        top.keys.add(key)
        top.at = key
      }
      i = end - 1
    } else if (c === 123 || c === 91) {
      if (stack.length >= maxDepth) return { kind: "depth", position: i, path: pathOf(stack) }
      stack.push(c === 123 ? { keys: new Set(), at: "", awaitingKey: true } : { keys: undefined, at: 0, awaitingKey: false })
    } else if (c === 125 || c === 93) {
      stack.pop()
    } else if (c === 44 && top !== undefined) {
      if (top.keys === undefined) top.at = (top.at as number) + 1
      else top.awaitingKey = true
    }
  }
  return undefined
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or undefined. */
export const firstInvalidUtf8 = (bytes: Uint8Array): number | undefined => {
  const length = bytes.length
  for (let i = 0; i < length;) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    // the sequence's length, and the range of its second byte (no overlong forms, no surrogates, ≤ U+10FFFF)
    const [size, low, high] = b >= 0xc2 && b <= 0xdf
      ? [2, 0x80, 0xbf]
      : b === 0xe0
      ? [3, 0xa0, 0xbf]
      : (b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef
      ? [3, 0x80, 0xbf]
      : b === 0xed
      ? [3, 0x80, 0x9f]
      : b === 0xf0
      ? [4, 0x90, 0xbf]
      : b >= 0xf1 && b <= 0xf3
      ? [4, 0x80, 0xbf]
      : b === 0xf4
      ? [4, 0x80, 0x8f]
      : [0, 0, 0]
    if (size === 0 || i + size > length) return i
    const second = bytes[i + 1]!
    if (second < low || second > high) return i
    for (let k = 2; k < size; k++) {
      const next = bytes[i + k]!
      if (next < 0x80 || next > 0xbf) return i
    }
    i += size
  }
  return undefined
}
