/**
 * Time-off policies, requests and balance reports. Request `r`'s start date grows with `r` over a
 * two-year window (ending a month after the anchor), so a date-range read is a binary search.
 * Balance reports stay `pending` for a configurable number of polls, then turn `ready`.
 */
import { DAY_SECONDS, dayOf, isoDate, isoDateTime } from "./calendar.js"
import { timeOffNotes, timeOffPolicies } from "./companyCatalog.js"
import type { DataContext } from "./dataContext.js"
import { IdKind } from "./idCodec.js"
import { lowerBound } from "./lowerBound.js"
import { memoIndex } from "./memo.js"
import type { Members } from "./members.js"
import { hash32, seededRandom } from "./seededRandom.js"

const K_REQUEST = 401
const MAX_DAYS = 5
const WINDOW_BEFORE = 730
const WINDOW_AFTER = 30

export interface TimeOffPolicyRecord {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly status: string
  readonly effective_date: string
  readonly deactivation_date: string | null
}

export interface TimeOffRequestRecord {
  readonly id: string
  readonly member_id: string
  readonly policy_id: string
  readonly status: string
  readonly unit_type: string
  readonly amount: number
  readonly start_date: string
  readonly end_date: string
  readonly notes: string | null
  readonly created_at: string
  readonly updated_at: string
}

export interface TimeOffRequestFilter {
  readonly member_id?: string
  readonly policy_id?: string
  readonly status?: string
}

export interface BalanceReport {
  readonly id: string
  readonly memberIndex: number
  readonly policyIndex: number
  readonly asOfDay: number
  polls: number
}

export interface TimeOff {
  readonly policies: ReadonlyArray<TimeOffPolicyRecord>
  readonly policyIndexOf: (policyId: string) => number | undefined
  /** the generated requests and those added since */
  readonly requestCount: number
  readonly request: (r: number) => TimeOffRequestRecord
  /** Request indexes after `after` that overlap [fromDay, toDay] and match. */
  readonly ordered: (fromDay: number, toDay: number, filter: TimeOffRequestFilter, after: number | null) => Generator<number>
  readonly createReport: (memberIndex: number, policyIndex: number, asOfDay: number) => BalanceReport
  readonly report: (reportId: string) => BalanceReport | undefined
  readonly reports: () => ReadonlyArray<BalanceReport>
  /** The report's balances, or a failure message when it cannot be produced. */
  readonly balances: (report: BalanceReport) => { readonly items: ReadonlyArray<Record<string, unknown>> } | { readonly failure: string }
  /** Add a request (made at `nowSec`): listed after the generated ones, for the days it covers. */
  readonly addRequest: (request: { readonly memberIndex: number; readonly policyIndex: number; readonly startDay: number; readonly days: number; readonly status: string; readonly nowSec: number }) => TimeOffRequestRecord
}

export const makeTimeOff = (ctx: DataContext, members: Members): TimeOff => {
  const n = members.count
  const policies: Array<TimeOffPolicyRecord> = timeOffPolicies.map((p, i) => ({
    id: ctx.ids.encode(IdKind.timeOffPolicy, i),
    name: p.name,
    type: p.type,
    status: p.status,
    effective_date: isoDate(dayOf(p.effective[0], p.effective[1], p.effective[2])),
    deactivation_date: p.deactivation === null ? null : isoDate(dayOf(p.deactivation[0], p.deactivation[1], p.deactivation[2]))
  }))
  const policyIndexOf = (policyId: string) => {
    const decoded = ctx.ids.decode(IdKind.timeOffPolicy, policyId)
    return decoded !== undefined && decoded[1] === 0 && decoded[0] < policies.length ? decoded[0] : undefined
  }
  const activePolicyIndexes = policies.flatMap((p, i) => (p.status === "active" ? [i] : []))

  const requestCount = Math.round(n * ctx.timeOffRequestsPerMember)
  const windowStart = ctx.anchorDay - WINDOW_BEFORE
  const windowDays = WINDOW_BEFORE + WINDOW_AFTER
  const startDayOf = (r: number) => windowStart + Math.floor((r * windowDays) / Math.max(1, requestCount))

  /** The member request `r` belongs to. */
  const memberOfRequest = (r: number): number => {
    const start = startDayOf(r)
    let memberIndex = hash32(ctx.seed, K_REQUEST, r, 0) % n
    for (let attempt = 1; attempt <= 4; attempt++) {
      const core = members.core(memberIndex)
      if (!core.contractor && members.isActiveOn(core, start, start)) break
      memberIndex = hash32(ctx.seed, K_REQUEST, r, attempt) % n
    }
    return memberIndex
  }

  interface RequestDetail { readonly record: TimeOffRequestRecord; readonly policyIndex: number; readonly startDay: number; readonly endDay: number }
  const computeRequest = (r: number): RequestDetail => {
    const rnd = seededRandom(ctx.seed, K_REQUEST, r)
    const start = startDayOf(r)
    const memberIndex = memberOfRequest(r)
    const roll = rnd.next()
    const policyIndex = (roll < 0.62 ? activePolicyIndexes[0] : roll < 0.97 ? activePolicyIndexes[1] : activePolicyIndexes[2]) ?? 0
    const policy = timeOffPolicies[policyIndex]
    const days = policy?.type === "sick" ? rnd.int(1, 2) : policy?.type === "parental" ? MAX_DAYS : rnd.int(1, MAX_DAYS)
    const partialDay = policy?.type === "sick" && days === 1 && rnd.chance(0.3)
    const future = start > ctx.anchorDay
    const s = rnd.next()
    const status = future ? (s < 0.6 ? "pending" : s < 0.95 ? "approved" : "canceled") : s < 0.85 ? "approved" : s < 0.93 ? "denied" : "canceled"
    const createdSec = Math.min((start - rnd.int(1, 30)) * DAY_SECONDS + rnd.int(13 * 3600, 23 * 3600), ctx.anchorSec - 7200)
    const updatedSec = status === "pending" ? createdSec : Math.min(createdSec + rnd.int(600, 48 * 3600), ctx.anchorSec - 3600)
    const record: TimeOffRequestRecord = {
      id: ctx.ids.encode(IdKind.timeOffRequest, r),
      member_id: members.id(memberIndex),
      policy_id: (policies[policyIndex] as TimeOffPolicyRecord).id,
      status,
      unit_type: "hours",
      amount: partialDay ? 4 : days * 8,
      start_date: isoDate(start),
      end_date: isoDate(start + days - 1),
      notes: rnd.pick(timeOffNotes),
      created_at: isoDateTime(createdSec),
      updated_at: isoDateTime(updatedSec)
    }
    return { record, policyIndex, startDay: start, endDay: start + days - 1 }
  }
  // Requests are pure functions of their index; pages and balance reports ask for the same ones often.
  const requestDetail = memoIndex(computeRequest, requestCount)
  const request = (r: number): TimeOffRequestRecord => (r < requestCount ? requestDetail(r).record : added[r - requestCount]!)

  /** Request indexes of each member, ascending (so by start day), built on the first balance report. */
  let byMember: { readonly offsets: Int32Array; readonly requests: Int32Array } | undefined
  const requestsOfMember = (memberIndex: number): Int32Array => {
    if (byMember === undefined) {
      const owner = new Int32Array(requestCount)
      const offsets = new Int32Array(n + 1)
      for (let r = 0; r < requestCount; r++) {
        const m = memberOfRequest(r)
        owner[r] = m
        offsets[m + 1] = (offsets[m + 1] as number) + 1
      }
      for (let m = 0; m < n; m++) offsets[m + 1] = (offsets[m + 1] as number) + (offsets[m] as number)
      const fill = offsets.slice(0, n)
      const requests = new Int32Array(requestCount)
      for (let r = 0; r < requestCount; r++) {
        const m = owner[r] as number
        requests[fill[m] as number] = r
        fill[m] = (fill[m] as number) + 1
      }
      byMember = { offsets, requests }
    }
    return byMember.requests.subarray(byMember.offsets[memberIndex] as number, byMember.offsets[memberIndex + 1] as number)
  }

  const matches = (q: TimeOffRequestRecord, fromDay: number, toDay: number, filter: TimeOffRequestFilter) =>
    q.end_date >= isoDate(fromDay) && q.start_date <= isoDate(toDay) &&
    (filter.member_id === undefined || q.member_id === filter.member_id) &&
    (filter.policy_id === undefined || q.policy_id === filter.policy_id) &&
    (filter.status === undefined || q.status === filter.status)

  function* ordered(fromDay: number, toDay: number, filter: TimeOffRequestFilter, after: number | null): Generator<number> {
    const first = lowerBound(0, requestCount, (r) => startDayOf(r) >= fromDay - MAX_DAYS)
    for (let r = Math.max(first, after === null ? 0 : after + 1); r < requestCount && startDayOf(r) <= toDay; r++) {
      if (matches(request(r), fromDay, toDay, filter)) yield r
    }
    // requests added since: after the generated ones, in the order they were added
    for (let k = Math.max(0, (after === null ? 0 : after + 1) - requestCount); k < added.length; k++) {
      if (matches(added[k]!, fromDay, toDay, filter)) yield requestCount + k
    }
  }

  const added: Array<TimeOffRequestRecord> = []
  const addRequest: TimeOff["addRequest"] = ({ memberIndex, policyIndex, startDay, days, status, nowSec }) => {
    const record: TimeOffRequestRecord = {
      id: ctx.ids.encode(IdKind.timeOffRequest, requestCount + added.length, 1),
      member_id: members.id(memberIndex),
      policy_id: (policies[policyIndex] as TimeOffPolicyRecord).id,
      status,
      unit_type: "hours",
      amount: days * 8,
      start_date: isoDate(startDay),
      end_date: isoDate(startDay + days - 1),
      notes: null,
      created_at: isoDateTime(nowSec),
      updated_at: isoDateTime(nowSec)
    }
    added.push(record)
    return record
  }

  const reportList: Array<BalanceReport> = []
  const createReport = (memberIndex: number, policyIndex: number, asOfDay: number) => {
    const report: BalanceReport = { id: ctx.ids.encode(IdKind.report, reportList.length), memberIndex, policyIndex, asOfDay, polls: 0 }
    reportList.push(report)
    return report
  }
  const report = (reportId: string) => {
    const decoded = ctx.ids.decode(IdKind.report, reportId)
    return decoded === undefined || decoded[1] !== 0 ? undefined : reportList[decoded[0]]
  }

  const balances = (rep: BalanceReport) => {
    const core = members.core(rep.memberIndex)
    if (rep.asOfDay < core.startDay) return { failure: "The member was not employed on as_of_date." }
    const policy = policies[rep.policyIndex] as TimeOffPolicyRecord
    const yearStart = dayOf(new Date(rep.asOfDay * 86_400_000).getUTCFullYear(), 1, 1)
    const memberId = members.id(rep.memberIndex)
    // The member's approved requests of this policy that overlap [yearStart, asOfDay] (what `ordered` with
    // those filters yields), read from the per-member index instead of scanning every request of the year.
    let used = 0
    for (const r of requestsOfMember(rep.memberIndex)) {
      const q = requestDetail(r)
      if (q.startDay > rep.asOfDay) break
      if (q.endDay < yearStart || q.policyIndex !== rep.policyIndex || q.record.status !== "approved") continue
      used += q.record.amount
    }
    const perYear = timeOffPolicies[rep.policyIndex]?.hoursPerYear ?? 0
    const accrualFrom = Math.max(yearStart, core.startDay)
    const accrued = Math.round(((rep.asOfDay - accrualFrom + 1) / 365) * perYear * 2) / 2
    return { items: [{ member_id: memberId, policy_id: policy.id, unit_type: "hours", available: Math.round((accrued - used) * 2) / 2, used }] }
  }

  return {
    policies,
    policyIndexOf,
    get requestCount() {
      return requestCount + added.length
    },
    request,
    ordered,
    createReport,
    report,
    reports: () => reportList,
    balances,
    addRequest
  }
}
