/**
 * Members' deductions: about one seeded deduction per three members (deduction `k` belongs to member
 * `3k + (0..2)`), plus the ones written through the API. Writes are idempotent by `operation_id`; updates
 * and cancellations are kept in small maps next to the seeded data.
 */
import { isoDate, parseIsoDate } from "./calendar.js"
import type { Company } from "./company.js"
import { deductionDescriptions } from "./companyCatalog.js"
import type { DataContext } from "./dataContext.js"
import { IdKind } from "./idCodec.js"
import type { Members } from "./members.js"
import { hash32, seededRandom } from "./seededRandom.js"

const K_DEDUCTION = 201

export interface DeductionRecord {
  readonly id: string
  readonly member_id: string
  readonly deduction_type_code: string
  readonly description: string
  readonly amount_type: string
  readonly amount: number
  readonly currency: string
  readonly frequency: "one_time" | "every_paycheck"
  readonly start_date: string
  readonly end_date: string | null
}

/** A deduction as the store reports it to tests. */
export interface StoredDeduction extends DeductionRecord {
  readonly canceled: boolean
  /** Set for deductions created through the API. */
  readonly operation_id: string | null
  readonly source: "seeded" | "written"
}

export interface DeductionResult {
  readonly deduction_id: string | null
  readonly member_id: string | null
  readonly operation_id?: string | null
  readonly success: boolean
  readonly error_message: string | null
}

export interface DeductionFilter {
  readonly member_id?: string
  readonly deduction_type?: string
  readonly frequency?: string
  readonly description?: string
}

export interface Deductions {
  readonly seededCount: number
  /** The seeded deduction of a member as originally generated (paystubs use it), if the member has one. */
  readonly seededOfMember: (memberIndex: number) => DeductionRecord | undefined
  /** Positions (seeded first, then written in creation order) after `after`, of deductions that are not canceled and match. */
  readonly ordered: (filter: DeductionFilter, after: number | null) => Generator<readonly [number, DeductionRecord]>
  readonly create: (items: ReadonlyArray<unknown>) => ReadonlyArray<DeductionResult>
  readonly update: (items: ReadonlyArray<unknown>) => ReadonlyArray<DeductionResult>
  readonly cancel: (ids: ReadonlyArray<unknown>) => ReadonlyArray<DeductionResult>
  /** Every deduction, seeded and written, canceled ones included. */
  readonly all: () => ReadonlyArray<StoredDeduction>
  readonly written: () => ReadonlyArray<StoredDeduction>
  readonly activeCount: () => number
}

const CURRENCY = /^[A-Z]{3}$/
const AMOUNT_TYPES = ["fixed", "percentage"]
const FREQUENCIES = ["one_time", "every_paycheck"]

export const makeDeductions = (ctx: DataContext, company: Company, members: Members): Deductions => {
  const n = members.count
  const seededCount = Math.floor(n / 3)
  const typeCodes = company.deductionTypes.map((t) => t.code)
  const memberOfSeeded = (k: number) => Math.min(n - 1, 3 * k + (hash32(ctx.seed, K_DEDUCTION, k) % 3))

  const seeded = (k: number): DeductionRecord => {
    const r = seededRandom(ctx.seed, K_DEDUCTION, k, 1)
    const m = memberOfSeeded(k)
    const c = members.core(m)
    const code = r.pick(typeCodes)
    const frequency = r.chance(0.8) ? "every_paycheck" : "one_time"
    const amount = code === "LOAN_REPAYMENT" && frequency === "one_time" ? r.int(200, 3000) * 100 : r.int(10, 400) * 100 + r.pick([0, 0, 50, 94])
    const lo = Math.max(c.startDay, ctx.anchorDay - 730)
    const hi = Math.max(lo, Math.min(ctx.anchorDay + 14, c.terminationDay ?? Infinity))
    const start = r.int(lo, hi)
    const end = frequency === "one_time" ? start : r.chance(0.4) ? start + r.int(90, 365) : null
    return {
      id: ctx.ids.encode(IdKind.seededDeduction, k),
      member_id: members.id(m),
      deduction_type_code: code,
      description: r.pick(deductionDescriptions[code] ?? ["Deduction"]),
      amount_type: "fixed",
      amount,
      currency: "USD",
      frequency,
      start_date: isoDate(start),
      end_date: end === null ? null : isoDate(end)
    }
  }

  const seededOfMember = (m: number) => {
    const k = Math.floor(m / 3)
    return k < seededCount && memberOfSeeded(k) === m ? seeded(k) : undefined
  }

  const seededUpdates = new Map<number, DeductionRecord>()
  const canceled = new Set<string>()
  const writtenList: Array<{ record: DeductionRecord; operationId: string }> = []
  const byOperation = new Map<string, number>()

  const position = (id: string): number | undefined => {
    const s = ctx.ids.decode(IdKind.seededDeduction, id)
    if (s !== undefined && s[1] === 0 && s[0] < seededCount) return s[0]
    const w = ctx.ids.decode(IdKind.writtenDeduction, id)
    if (w !== undefined && w[1] === 0 && w[0] < writtenList.length) return seededCount + w[0]
    return undefined
  }
  const at = (pos: number): DeductionRecord =>
    pos < seededCount ? seededUpdates.get(pos) ?? seeded(pos) : (writtenList[pos - seededCount] as { record: DeductionRecord }).record
  const replace = (pos: number, record: DeductionRecord) => {
    if (pos < seededCount) seededUpdates.set(pos, record)
    else (writtenList[pos - seededCount] as { record: DeductionRecord }).record = record
  }

  function* ordered(filter: DeductionFilter, after: number | null): Generator<readonly [number, DeductionRecord]> {
    for (let pos = after === null ? 0 : after + 1; pos < seededCount + writtenList.length; pos++) {
      const d = at(pos)
      if (canceled.has(d.id)) continue
      if (filter.member_id !== undefined && d.member_id !== filter.member_id) continue
      if (filter.deduction_type !== undefined && d.deduction_type_code !== filter.deduction_type) continue
      if (filter.frequency !== undefined && d.frequency !== filter.frequency) continue
      if (filter.description !== undefined && d.description !== filter.description) continue
      yield [pos, d] as const
    }
  }

  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
  const str = (v: unknown) => (typeof v === "string" ? v : null)

  /** Problems of the fields present in an item (create: all required fields must be present). */
  const fieldProblems = (item: Record<string, unknown>, creating: boolean): Array<string> => {
    const problems: Array<string> = []
    const need = (field: string) => creating && item[field] === undefined
    for (const field of creating ? ["member_id", "deduction_type_code", "amount_type", "amount", "currency", "frequency", "start_date"] : []) {
      if (need(field)) problems.push(`${field} is required`)
    }
    if (item["deduction_type_code"] !== undefined && !typeCodes.includes(String(item["deduction_type_code"]))) {
      problems.push(`deduction_type_code ${JSON.stringify(item["deduction_type_code"])} is not a known deduction type`)
    }
    if (item["description"] !== undefined && (typeof item["description"] !== "string" || item["description"].length > 255)) {
      problems.push("description must be a string of at most 255 characters")
    }
    if (item["amount_type"] !== undefined && !AMOUNT_TYPES.includes(String(item["amount_type"]))) problems.push("amount_type must be fixed or percentage")
    if (item["amount"] !== undefined && !(Number.isInteger(item["amount"]) && (item["amount"] as number) >= 1)) {
      problems.push("amount must be a positive integer number of cents")
    }
    if (item["currency"] !== undefined && !(typeof item["currency"] === "string" && CURRENCY.test(item["currency"]))) problems.push("currency must be an ISO 4217 code")
    if (item["frequency"] !== undefined && !FREQUENCIES.includes(String(item["frequency"]))) problems.push("frequency must be one_time or every_paycheck")
    if (item["start_date"] !== undefined && (typeof item["start_date"] !== "string" || parseIsoDate(item["start_date"]) === undefined)) {
      problems.push("start_date must be a date (YYYY-MM-DD)")
    }
    if (item["end_date"] !== undefined && item["end_date"] !== null && (typeof item["end_date"] !== "string" || parseIsoDate(item["end_date"]) === undefined)) {
      problems.push("end_date must be a date (YYYY-MM-DD) or null")
    }
    return problems
  }

  const create = (items: ReadonlyArray<unknown>): ReadonlyArray<DeductionResult> => items.map((raw) => {
    const item = isObject(raw) ? raw : {}
    const operationId = str(item["operation_id"])
    const memberId = str(item["member_id"])
    const fail = (message: string): DeductionResult => ({ deduction_id: null, member_id: memberId, operation_id: operationId, success: false, error_message: message })
    if (!isObject(raw)) return fail("Each item must be an object.")
    if (operationId === null || operationId.length === 0) return fail("operation_id is required")
    const previous = byOperation.get(operationId)
    if (previous !== undefined) {
      const existing = (writtenList[previous] as { record: DeductionRecord }).record
      return { deduction_id: existing.id, member_id: existing.member_id, operation_id: operationId, success: true, error_message: null }
    }
    const problems = fieldProblems(item, true)
    if (problems.length > 0) return fail(`${problems.join("; ")}.`)
    const memberIndex = members.indexOf(memberId as string)
    if (memberIndex === undefined) return fail(`No member with id ${memberId}.`)
    if (members.core(memberIndex).terminationDay !== null) return fail("Member is terminated; deductions cannot be added.")
    const start = item["start_date"] as string
    const end = (item["end_date"] ?? null) as string | null
    if (end !== null && end < start) return fail("end_date must not be before start_date.")
    const seq = writtenList.length
    const record: DeductionRecord = {
      id: ctx.ids.encode(IdKind.writtenDeduction, seq),
      member_id: memberId as string,
      deduction_type_code: item["deduction_type_code"] as string,
      description: (item["description"] as string | undefined) ?? "",
      amount_type: item["amount_type"] as string,
      amount: item["amount"] as number,
      currency: item["currency"] as string,
      frequency: item["frequency"] as DeductionRecord["frequency"],
      start_date: start,
      end_date: end
    }
    writtenList.push({ record, operationId })
    byOperation.set(operationId, seq)
    return { deduction_id: record.id, member_id: record.member_id, operation_id: operationId, success: true, error_message: null }
  })

  const update = (items: ReadonlyArray<unknown>): ReadonlyArray<DeductionResult> => items.map((raw) => {
    const item = isObject(raw) ? raw : {}
    const deductionId = str(item["deduction_id"])
    const pos = deductionId === null ? undefined : position(deductionId)
    const current = pos === undefined ? undefined : at(pos)
    const fail = (message: string): DeductionResult => ({ deduction_id: deductionId, member_id: current?.member_id ?? null, success: false, error_message: message })
    if (!isObject(raw)) return fail("Each item must be an object.")
    if (deductionId === null) return fail("deduction_id is required.")
    if (pos === undefined || current === undefined) return fail(`No deduction with id ${deductionId}.`)
    if (canceled.has(current.id)) return fail("Deduction is canceled and cannot be updated.")
    const problems = fieldProblems(item, false)
    if (problems.length > 0) return fail(`${problems.join("; ")}.`)
    const next: DeductionRecord = {
      ...current,
      ...(item["deduction_type_code"] !== undefined ? { deduction_type_code: item["deduction_type_code"] as string } : {}),
      ...(item["description"] !== undefined ? { description: item["description"] as string } : {}),
      ...(item["amount_type"] !== undefined ? { amount_type: item["amount_type"] as string } : {}),
      ...(item["amount"] !== undefined ? { amount: item["amount"] as number } : {}),
      ...(item["currency"] !== undefined ? { currency: item["currency"] as string } : {}),
      ...(item["frequency"] !== undefined ? { frequency: item["frequency"] as DeductionRecord["frequency"] } : {}),
      ...(item["start_date"] !== undefined ? { start_date: item["start_date"] as string } : {}),
      ...(item["end_date"] !== undefined ? { end_date: item["end_date"] as string | null } : {})
    }
    if (next.end_date !== null && next.end_date < next.start_date) return fail("end_date must not be before start_date.")
    replace(pos, next)
    return { deduction_id: next.id, member_id: next.member_id, success: true, error_message: null }
  })

  const cancel = (ids: ReadonlyArray<unknown>): ReadonlyArray<DeductionResult> => ids.map((raw) => {
    const deductionId = str(raw)
    const pos = deductionId === null ? undefined : position(deductionId)
    const current = pos === undefined ? undefined : at(pos)
    if (deductionId === null || current === undefined) {
      return { deduction_id: deductionId, member_id: null, success: false, error_message: `No deduction with id ${String(raw)}.` }
    }
    if (canceled.has(current.id)) {
      return { deduction_id: current.id, member_id: current.member_id, success: false, error_message: "Deduction is already canceled." }
    }
    canceled.add(current.id)
    return { deduction_id: current.id, member_id: current.member_id, success: true, error_message: null }
  })

  const all = (): ReadonlyArray<StoredDeduction> => {
    const out: Array<StoredDeduction> = []
    for (let pos = 0; pos < seededCount + writtenList.length; pos++) {
      const d = at(pos)
      const written = pos >= seededCount ? writtenList[pos - seededCount] : undefined
      out.push({ ...d, canceled: canceled.has(d.id), operation_id: written?.operationId ?? null, source: written ? "written" : "seeded" })
    }
    return out
  }
  const written = () => writtenList.map(({ record, operationId }) => ({ ...record, canceled: canceled.has(record.id), operation_id: operationId, source: "written" as const }))

  return {
    seededCount, seededOfMember, ordered, create, update, cancel, all, written,
    activeCount: () => seededCount + writtenList.length - canceled.size
  }
}
