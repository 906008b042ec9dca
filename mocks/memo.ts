/**
 * Memo tables for the mock's pure generators, bounded so memory stays small however large the generated
 * company is.
 */

/** Remembers the first `max` keys asked for; any further ones are computed afresh each time. */
export const memo = <K, V>(compute: (key: K) => V, max = 8192): ((key: K) => V) => {
  const table = new Map<K, V>()
  return (key) => {
    const hit = table.get(key)
    if (hit !== undefined || table.has(key)) return hit as V
    const value = compute(key)
    if (table.size < max) table.set(key, value)
    return value
  }
}

const UNSET: unique symbol = Symbol("unset")

/**
 * Memo over the indexes 0..count-1, only when count is at most `max` (a default-sized company keeps every
 * record it computes); larger companies compute on demand as before, so a scan over all of their members
 * neither grows nor churns the heap.
 */
export const memoIndex = <V>(compute: (index: number) => V, count: number, max = 8192): ((index: number) => V) => {
  if (count > max) return compute
  const table: Array<V | typeof UNSET> = new Array<V | typeof UNSET>(count).fill(UNSET)
  return (index) => {
    if (!(Number.isInteger(index) && index >= 0 && index < count)) return compute(index)
    const hit = table[index] as V | typeof UNSET
    if (hit !== UNSET) return hit
    const value = compute(index)
    table[index] = value
    return value
  }
}
