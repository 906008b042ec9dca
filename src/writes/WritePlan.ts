/**
 * A batch write planned before anything is sent: every row checked against the row schema of its action
 * (types, formats, enums, lengths, required fields, no unknown fields), the action's rules (an end date not
 * before the start date), and the uniqueness of its key; each valid row given its item and key (the
 * idempotency key derived when the row has none). Invalid rows keep every problem found and their line; a
 * problem says where and what was expected, never the row's values (it is printed and kept in the journal).
 */
import { Either, ParseResult, Schema } from "effect"
import { makeConverter, type JsonValueSchema } from "../records/jsonSchemaToEffect.js"
import { isJsonObject } from "../spec/document.js"
import { formatIssuePath, withoutActual } from "../records/RecordSchemas.js"
import type { BatchContract } from "../model/Connector.js"
import { deriveIdempotencyKey, inputDigest } from "./idempotencyKey.js"
import { rowLabel, type InputRow } from "./InputRows.js"

export interface PlannedRow {
  readonly row: InputRow
  /** the value of the contract's key field (derived idempotency key included) */
  readonly key: string | null
  /** what goes into the request body's array */
  readonly item: unknown
}

export interface InvalidRow {
  readonly row: InputRow
  readonly key: string | null
  readonly problems: ReadonlyArray<string>
}

export interface WritePlan {
  readonly contract: BatchContract
  readonly rows: ReadonlyArray<InputRow>
  readonly valid: ReadonlyArray<PlannedRow>
  readonly invalid: ReadonlyArray<InvalidRow>
  /** names the input in the write journal: the action and every row as it would be sent */
  readonly digest: string
}

/** One request of a plan: its rows and body. */
export interface PlannedBatch {
  readonly number: number
  readonly rows: ReadonlyArray<PlannedRow>
  readonly body: Readonly<Record<string, ReadonlyArray<unknown>>>
}

/** Every problem of a failed validation, one per field: `amount: Expected an integer` (never the value: see `withoutActual`). */
const problemsOf = (error: ParseResult.ParseError): Array<string> => {
  const byPath = new Map<string, ParseResult.ArrayFormatterIssue>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = formatIssuePath(issue.path)
    const known = byPath.get(path)
    const telling = !issue.message.startsWith("Expected undefined")
    if (known === undefined || (telling && known.message.startsWith("Expected undefined"))) byPath.set(path, issue)
  }
  return [...byPath.entries()].map(([path, issue]) => {
    const message = issue._tag === "Missing" ? "is missing" : withoutActual(issue.message)
    return path === "" ? message : `${path}: ${message}`
  })
}

/** The planner of one contract; the row schema is built once. */
export const makePlanner = (contract: BatchContract, document: unknown) => {
  const schema: JsonValueSchema = makeConverter(document).convert(contract.rowSchema)
  const validate = Schema.validateEither(schema, { errors: "all" })
  const fields = new Set(contract.rowFields)

  const check = (row: InputRow): { value: Record<string, unknown> } | { problems: Array<string> } => {
    if (row.unparsable !== undefined) return { problems: [`not JSON: ${row.unparsable}`] }
    let value = row.value
    // a bare value is the item of actions that send one field of the row (e.g. deduction ids)
    if (contract.itemField !== undefined && (typeof value === "string" || typeof value === "number")) value = { [contract.itemField]: value }
    if (!isJsonObject(value)) return { problems: ["must be a JSON object"] }
    const problems: Array<string> = []
    const unknown = Object.keys(value).filter((k) => !fields.has(k))
    if (unknown.length > 0) problems.push(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; fields: ${contract.rowFields.join(", ")}`)
    const result = validate(value)
    if (Either.isLeft(result)) problems.push(...problemsOf(result.left))
    for (const rule of contract.rules) {
      const later = value[rule.field]
      const earlier = value[rule.not_before]
      if (typeof later === "string" && typeof earlier === "string" && later < earlier) {
        problems.push(`${rule.field}: is before ${rule.not_before}`)
      }
    }
    return problems.length > 0 ? { problems } : { value }
  }

  const plan = (rows: ReadonlyArray<InputRow>): WritePlan => {
    const valid: Array<PlannedRow> = []
    const invalid: Array<InvalidRow> = []
    const seen = new Map<string, InputRow>()
    for (const row of rows) {
      const checked = check(row)
      const given = isJsonObject(row.value) && contract.keyField !== undefined ? row.value[contract.keyField] : undefined
      if ("problems" in checked) {
        invalid.push({ row, key: typeof given === "string" ? given : null, problems: checked.problems })
        continue
      }
      let value = checked.value
      if (contract.idempotencyKey !== undefined && value[contract.idempotencyKey] === undefined) {
        value = { ...value, [contract.idempotencyKey]: deriveIdempotencyKey(contract.action, value, contract.idempotencyKey) }
      }
      const keyValue = contract.keyField === undefined ? undefined : value[contract.keyField]
      const key = keyValue === undefined || keyValue === null ? null : String(keyValue)
      const first = key === null ? undefined : seen.get(key)
      if (first !== undefined) {
        const derived = contract.idempotencyKey !== undefined && !(isJsonObject(row.value) && row.value[contract.idempotencyKey] !== undefined)
        invalid.push({
          row,
          key,
          problems: [derived
            ? `the same row as ${rowLabel(first)} (identical content gives the same ${contract.keyField}); give each row its own ${contract.keyField} if both are meant`
            : `${contract.keyField} ${key} is also on ${rowLabel(first)}`]
        })
        continue
      }
      if (key !== null) seen.set(key, row)
      valid.push({ row, key, item: contract.itemField === undefined ? value : value[contract.itemField] })
    }
    const digest = inputDigest(contract.action, rows.map((r) => [rowLabel(r), r.unparsable ?? r.value ?? null]))
    return { contract, rows, valid, invalid, digest }
  }

  return { plan }
}

/** The requests that send `rows`, `size` at a time, numbered from `first`. */
export const batchesOf = (contract: BatchContract, rows: ReadonlyArray<PlannedRow>, first = 1): Array<PlannedBatch> => {
  const batches: Array<PlannedBatch> = []
  for (let i = 0; i < rows.length; i += contract.size) {
    const slice = rows.slice(i, i + contract.size)
    batches.push({ number: first + batches.length, rows: slice, body: { [contract.itemsField]: slice.map((r) => r.item) } })
  }
  return batches
}
