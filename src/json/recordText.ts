/**
 * The JSON text of records as the API sent it, for an output that writes records out unchanged (the Airbyte
 * `read`): each record's text is written as it came instead of being serialized again. Kept only where a read
 * asks for it (`keepRecordText`, set around the run), only for a body of one record array (`scanBody`), and
 * only while the array is the one parsed from that text and its records are unchanged: whatever changes them
 * forgets the text first (`forgetRecordTexts`). Held by the array, weakly (one entry a page): an array no longer
 * referenced takes its text with it.
 */
import { FiberRef } from "effect"

interface Kept {
  readonly text: string
  /** start, end (exclusive) of each record, flat */
  readonly spans: ReadonlyArray<number>
}

const kept = new WeakMap<ReadonlyArray<unknown>, Kept>()

/** Reads under `Effect.locally(keepRecordText, true)` keep their records' texts. */
export const keepRecordText: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(false)

const isObject = (u: unknown): u is object => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Remember the text of each record of a parsed body: `spans` are the objects' starts and ends in `text`
 * (`scanBody`), kept only if they match the body's one array of records one for one.
 */
export const rememberRecordTexts = (body: unknown, text: string, spans: ReadonlyArray<number>): void => {
  if (!isObject(body)) return
  let records: ReadonlyArray<unknown> | undefined
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key]
    if (!Array.isArray(value)) continue
    if (records !== undefined) return
    records = value
  }
  if (records === undefined || records.length * 2 !== spans.length) return
  kept.set(records, { text, spans })
}

/**
 * The text of each record of `records` as the API sent it (by index), if they are the array parsed from it and
 * unchanged since; undefined otherwise.
 */
export const recordTexts = (records: ReadonlyArray<unknown>): ((index: number) => string) | undefined => {
  const found = kept.get(records)
  if (found === undefined || found.spans.length !== records.length * 2) return undefined
  const { text, spans } = found
  return (index) => text.slice(spans[2 * index]!, spans[2 * index + 1]!)
}

/** The records are about to change: their texts no longer say what they hold. */
export const forgetRecordTexts = (records: ReadonlyArray<unknown>): void => {
  kept.delete(records)
}
