/**
 * Small deterministic randomness for the mock: every generated value is a pure function of
 * (seed, kind, index...), so the same seed always yields byte-identical data and any record can be
 * computed on demand from its index without generating the ones before it.
 */

const mix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A 32-bit hash of a list of numbers (integers; larger values are folded in by their high part too). */
export const hash32 = (...parts: ReadonlyArray<number>): number => {
  let h = 0x9747b28c
  for (const part of parts) {
    const low = part >>> 0
    const high = Math.floor(part / 4294967296) >>> 0
    h = mix(Math.imul(h ^ low, 0x01000193) + 0x6b43a9b5)
    if (high !== 0) h = mix(Math.imul(h ^ high, 0x01000193) + 0x2545f491)
  }
  return h
}

/** A 32-bit hash of a string, for fingerprints. */
export const hashString = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return mix(h)
}

export interface SeededRandom {
  /** Uniform float in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [min, max] (both inclusive). */
  readonly int: (min: number, max: number) => number
  /** True with probability p. */
  readonly chance: (p: number) => boolean
  /** One element of a non-empty array. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
}

/** A mulberry32 stream seeded by hashing the given parts. */
export const seededRandom = (...parts: ReadonlyArray<number>): SeededRandom => {
  let state = hash32(...parts)
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const chance = (p: number) => next() < p
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)] as A
  return { next, int, chance, pick }
}

/** Uniform float in [0, 1) from a single hash, cheaper than a stream when one draw is enough. */
export const unitHash = (...parts: ReadonlyArray<number>): number => hash32(...parts) / 4294967296
