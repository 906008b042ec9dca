/**
 * UUID-shaped identifiers that encode what they identify: `(kind, a, b)` where `a` is a 32-bit index and
 * `b` a 16-bit one. The ids look random (hash-derived), yet decoding is O(1) and only accepts ids this
 * codec (same seed, same kind) produced, so lookups by id need no table.
 */
import { memo } from "./memo.js"
import { hash32 } from "./seededRandom.js"

const MULTIPLIER = 0x9e3779b1
const inverseOf = (m: number): number => {
  let x = m
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(m, x))
  return x >>> 0
}
const INVERSE = inverseOf(MULTIPLIER)

const NIBBLE = "0123456789abcdef"
const BYTE: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))
/** The low `width` (3, 4 or 8) hex digits of n as an unsigned 32-bit number. */
const hex = (n: number, width: 3 | 4 | 8): string => {
  const low = (BYTE[(n >>> 8) & 255] as string) + (BYTE[n & 255] as string)
  if (width === 4) return low
  if (width === 3) return (NIBBLE[(n >>> 8) & 15] as string) + (BYTE[n & 255] as string)
  return (BYTE[n >>> 24] as string) + (BYTE[(n >>> 16) & 255] as string) + low
}

const SHAPE = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f]{3})-([89ab][0-9a-f]{3})-([0-9a-f]{4})([0-9a-f]{8})$/

export interface IdCodec {
  readonly encode: (kind: number, a: number, b?: number) => string
  /** The `[a, b]` an id encodes for this kind, or undefined for anything else. */
  readonly decode: (kind: number, id: string) => readonly [number, number] | undefined
}

export const makeIdCodec = (seed: number): IdCodec => {
  const maskA = (kind: number) => hash32(seed, kind, 0xa11ce)
  const maskB = (kind: number, a: number) => hash32(seed, kind, a, 0xb0b) & 0xffff
  const compute = (kind: number, a: number, b: number): string => {
    const h1 = hash32(seed, kind, a, b, 1)
    const h2 = hash32(seed, kind, a, b, 2)
    const variant = "89ab"[(h2 >>> 28) & 3] as string
    const scrambled = Math.imul((a ^ maskA(kind)) >>> 0, MULTIPLIER) >>> 0
    return `${hex(h1, 8)}-${hex(h2, 4)}-4${hex(h2 >>> 4, 3)}-${variant}${hex(h2 >>> 16, 3)}-${hex(b ^ maskB(kind, a), 4)}${hex(scrambled, 8)}`
  }
  // Ids are pure functions of (kind, a, b): remember the ones made and read recently.
  const encodeCached = memo((key: number) => compute(key % 16, Math.floor(key / 16) % 4294967296, Math.floor(key / 68719476736)))
  const encode = (kind: number, a: number, b = 0): string =>
    Number.isInteger(kind) && kind >= 0 && kind < 16 && Number.isInteger(a) && a >= 0 && a < 4294967296 && Number.isInteger(b) && b >= 0 && b < 65536
      ? encodeCached(kind + a * 16 + b * 68719476736)
      : compute(kind, a, b)
  const decodeUncached = (kind: number, id: string): readonly [number, number] | undefined => {
    const m = SHAPE.exec(id)
    if (!m) return undefined
    const a = ((Math.imul(parseInt(m[6] as string, 16), INVERSE) >>> 0) ^ maskA(kind)) >>> 0
    const b = (parseInt(m[5] as string, 16) ^ maskB(kind, a)) & 0xffff
    return encode(kind, a, b) === id ? [a, b] : undefined
  }
  const decoders = new Map<number, (id: string) => readonly [number, number] | undefined>()
  const decode = (kind: number, id: string): readonly [number, number] | undefined => {
    let decoder = decoders.get(kind)
    if (decoder === undefined) {
      decoder = memo((text: string) => decodeUncached(kind, text))
      decoders.set(kind, decoder)
    }
    return decoder(id)
  }
  return { encode, decode }
}

/** Kind numbers of the mock's identifiers. */
export const IdKind = {
  company: 1,
  department: 2,
  office: 3,
  customField: 4,
  member: 5,
  payroll: 6,
  paystub: 7,
  seededDeduction: 8,
  writtenDeduction: 9,
  timeOffPolicy: 10,
  timeOffRequest: 11,
  report: 12,
  webhook: 13
} as const
