/** First index in [lo, hi) for which the monotone predicate holds (hi when none does). */
export const lowerBound = (lo: number, hi: number, predicate: (index: number) => boolean): number => {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (predicate(mid)) hi = mid
    else lo = mid + 1
  }
  return lo
}
