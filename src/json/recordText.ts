/**
 * The JSON text of records as the API sent it, for an output that writes records out unchanged (the Airbyte
 * `read`): each record's text is written as it came instead of being serialized again. Kept only where a read
 * asks for it (`keepRecordText`, set around the run), only for a body of one record array (`scanBody`), and
 * only while a record is the object parsed from that text: whatever changes a record forgets its text
 * (`forgetRecordText`). Weakly held: a record no longer referenced takes its text with it.
 */
import { FiberRef } from "effect"

const texts = new WeakMap<object, string>()

/** Reads under `Effect.locally(keepRecordText, true)` keep their records' texts. */
export const keepRecordText: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(false)

const isObject = (u: unknown): u is object => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Remember the text of each record of a parsed body: `items` are the objects' spans in `text` (`scanBody`),
 * kept only if they match the body's one array of records one for one.
 */
export const rememberRecordTexts = (body: unknown, text: string, items: ReadonlyArray<number>): void => {
  if (!isObject(body)) return
  let records: ReadonlyArray<unknown> | undefined
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key]
    if (!Array.isArray(value)) continue
    if (records !== undefined) return
    records = value
  }
  if (records === undefined || records.length * 2 !== items.length) return
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (!isObject(record)) return
    texts.set(record, text.slice(items[2 * i]!, items[2 * i + 1]!))
  }
}

/** The record's text as the API sent it, if kept and the record is unchanged since. */
export const recordText = (record: object): string | undefined => texts.get(record)

/** The record is about to change: its text no longer says what it holds. */
export const forgetRecordText = (record: object): void => {
  texts.delete(record)
}
