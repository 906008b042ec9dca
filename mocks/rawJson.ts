/**
 * Pre-serialized JSON: records the mock serves again and again (member records) are kept as UTF-8 bytes
 * and spliced into response bodies instead of being re-serialized and re-encoded on every request.
 */
export class RawJson {
  /** The UTF-8 encoding of the JSON text. */
  readonly bytes: Buffer
  constructor(text: string) {
    this.bytes = Buffer.from(text, "utf8")
  }
  /** Anything that still runs JSON.stringify over a RawJson gets the same JSON. */
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString("utf8"))
  }
}

const hasToJson = (value: object) => typeof (value as { toJSON?: unknown }).toJSON === "function"

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype && !hasToJson(value)

const holdsRaw = (value: unknown): boolean => {
  if (value instanceof RawJson) return true
  if (!Array.isArray(value) || hasToJson(value)) return false
  for (let i = 0; i < value.length; i++) if (value[i] instanceof RawJson) return true
  return false
}

type Piece = string | Buffer

const pushValue = (pieces: Array<Piece>, value: unknown, inArray: boolean): boolean => {
  if (value instanceof RawJson) {
    pieces.push(value.bytes)
    return true
  }
  if (Array.isArray(value) && holdsRaw(value)) {
    pieces.push("[")
    for (let i = 0; i < value.length; i++) {
      if (i > 0) pieces.push(",")
      pushValue(pieces, value[i], true)
    }
    pieces.push("]")
    return true
  }
  const text = JSON.stringify(value) as string | undefined
  if (text === undefined) {
    if (!inArray) return false
    pieces.push("null")
    return true
  }
  pieces.push(text)
  return true
}

/**
 * JSON.stringify(value), as its UTF-8 bytes when `value` is a RawJson, an array holding RawJson, or a plain
 * object whose fields are (or are arrays holding) RawJson, e.g. a page whose `items` are; otherwise as text.
 */
export const serialize = (value: unknown): string | Buffer => {
  if (value instanceof RawJson) return value.bytes
  const pieces: Array<Piece> = []
  if (Array.isArray(value) && holdsRaw(value)) {
    pushValue(pieces, value, false)
  } else {
    if (!isPlainObject(value) || !Object.values(value).some(holdsRaw)) return JSON.stringify(value)
    pieces.push("{")
    let first = true
    for (const key of Object.keys(value)) {
      const mark = pieces.length
      pieces.push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`)
      if (pushValue(pieces, value[key], false)) first = false
      else pieces.length = mark
    }
    pieces.push("}")
  }
  let total = 0
  for (const piece of pieces) total += typeof piece === "string" ? Buffer.byteLength(piece, "utf8") : piece.length
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const piece of pieces) offset += typeof piece === "string" ? out.write(piece, offset, "utf8") : piece.copy(out, offset)
  return out
}

/** The JSON text of a serialized body. */
export const bodyText = (body: string | Buffer): string => (typeof body === "string" ? body : body.toString("utf8"))
