/**
 * Read access to the mock's data for tests (plus `touchMember`): the seeded company as generated and
 * everything written through the API since startup. Records are the full ones, before any scope-based
 * stripping.
 */
import { isoDate, parseIsoDate } from "./calendar.js"
import type { StoredDeduction } from "./deductions.js"
import type { MockData } from "./mockData.js"
import type { TimeOffPolicyRecord, TimeOffRequestRecord } from "./timeOff.js"
import type { WebhookRecord, WebhookSimulation } from "./webhooks.js"

/** Exact record counts per stream of the connector. */
export interface MockStoreCounts {
  readonly members: number
  readonly activeMembers: number
  readonly terminatedMembers: number
  readonly departments: number
  readonly offices: number
  readonly companyCustomFields: number
  readonly companyJurisdictions: number
  readonly memberCustomFieldValues: number
  readonly payrolls: number
  readonly paystubs: number
  readonly payrollFees: number
  readonly deductionTypes: number
  /** Deductions list_deductions returns (canceled ones are not listed). */
  readonly deductions: number
  readonly timeOffPolicies: number
  /** Policies with status `active` (balances exist under these). */
  readonly activeTimeOffPolicies: number
  readonly timeOffRequests: number
  readonly webhooks: number
}

export interface MockStore {
  readonly seed: number
  /** The data's "today" (YYYY-MM-DD): histories end here, payrolls are paid up to it. */
  readonly asOf: string
  readonly memberCount: number
  readonly memberId: (index: number) => string
  readonly memberIndex: (id: string) => number | undefined
  /** The full member record (by index or id), or undefined. */
  readonly member: (ref: number | string) => Record<string, unknown> | undefined
  /** Sets a member's updated_at to `at` (epoch ms; default: the server clock); returns the new value. */
  readonly touchMember: (ref: number | string, at?: number) => string
  /** Runs the next payroll (the semi-monthly pay day after the last one), with its paystubs and fees; returns it. */
  readonly addPayrollRun: () => Record<string, unknown>
  /** Adds a time-off request of a member (by index or id) under the first policy, made now; returns it. */
  readonly addTimeOffRequest: (request: { readonly member: number | string; readonly startDate: string; readonly days?: number; readonly status?: string }) => TimeOffRequestRecord
  readonly company: () => Record<string, unknown>
  /** Payroll runs, oldest first (their totals are computed on first use: O(members)). */
  readonly payrolls: () => ReadonlyArray<Record<string, unknown>>
  /** Paystub ids of one payroll run, in member order. */
  readonly paystubIds: (payrollId: string) => ReadonlyArray<string>
  /** Every deduction, seeded and written, canceled ones included (flagged). */
  readonly deductions: () => ReadonlyArray<StoredDeduction>
  /** Deductions created through the API, in creation order. */
  readonly writtenDeductions: () => ReadonlyArray<StoredDeduction>
  readonly timeOffPolicies: () => ReadonlyArray<TimeOffPolicyRecord>
  readonly timeOffRequests: () => ReadonlyArray<TimeOffRequestRecord>
  readonly webhooks: () => ReadonlyArray<WebhookRecord>
  readonly webhookSimulations: () => ReadonlyArray<WebhookSimulation>
  /** Counts per stream; `paystubs`/`payrollFees`/`memberCustomFieldValues` are O(members) to compute. */
  readonly counts: () => MockStoreCounts
}

export const makeMockStore = (data: MockData, now: () => number): MockStore => {
  const { members } = data
  const indexOf = (ref: number | string) =>
    typeof ref === "number" ? (Number.isInteger(ref) && ref >= 0 && ref < members.count ? ref : undefined) : members.indexOf(ref)
  const counts = (): MockStoreCounts => {
    let terminated = 0
    let values = 0
    for (let i = 0; i < members.count; i++) {
      if (members.core(i).terminationDay !== null) terminated++
      values += members.customFieldValues(i).length
    }
    let paystubs = 0
    let fees = 0
    for (const run of data.payrolls.runs) {
      const t = data.payrolls.totals(run)
      paystubs += t.paystubs
      fees += t.fees
    }
    return {
      members: members.count,
      activeMembers: members.count - terminated,
      terminatedMembers: terminated,
      departments: data.company.departments.length,
      offices: data.company.offices.length,
      companyCustomFields: data.company.customFields.length,
      companyJurisdictions: data.company.jurisdictions.length,
      memberCustomFieldValues: values,
      payrolls: data.payrolls.runs.length,
      paystubs,
      payrollFees: fees,
      deductionTypes: data.company.deductionTypes.length,
      deductions: data.deductions.activeCount(),
      timeOffPolicies: data.timeOff.policies.length,
      activeTimeOffPolicies: data.timeOff.policies.filter((p) => p.status === "active").length,
      timeOffRequests: data.timeOff.requestCount,
      webhooks: data.webhooks.list.length
    }
  }
  return {
    seed: data.ctx.seed,
    asOf: isoDate(data.ctx.anchorDay),
    memberCount: members.count,
    memberId: members.id,
    memberIndex: members.indexOf,
    member: (ref) => {
      const i = indexOf(ref)
      return i === undefined ? undefined : members.record(i)
    },
    touchMember: (ref, at) => {
      const i = indexOf(ref)
      if (i === undefined) throw new Error(`no member ${String(ref)}`)
      return members.touch(i, at ?? now())
    },
    addPayrollRun: () => data.payrolls.record(data.payrolls.addRun()),
    addTimeOffRequest: ({ member, startDate, days, status }) => {
      const i = indexOf(member)
      if (i === undefined) throw new Error(`no member ${String(member)}`)
      const startDay = parseIsoDate(startDate)
      if (startDay === undefined) throw new Error(`not a date: ${startDate}`)
      return data.timeOff.addRequest({ memberIndex: i, policyIndex: 0, startDay, days: days ?? 1, status: status ?? "pending", nowSec: Math.floor(now() / 1000) })
    },
    company: () => data.company.record(),
    payrolls: () => data.payrolls.runs.map(data.payrolls.record),
    paystubIds: (payrollId) => {
      const run = data.payrolls.runOf(payrollId)
      return run === undefined ? [] : [...data.payrolls.paidMembers(run, null)].map((m) => data.payrolls.paystubId(run, m))
    },
    deductions: () => data.deductions.all(),
    writtenDeductions: () => data.deductions.written(),
    timeOffPolicies: () => data.timeOff.policies,
    // Copies: the generator keeps (memoises) the records it serves.
    timeOffRequests: () => Array.from({ length: data.timeOff.requestCount }, (_, r) => ({ ...data.timeOff.request(r) })),
    webhooks: () => data.webhooks.list.map((w) => ({ ...w })),
    webhookSimulations: () => data.webhooks.simulations(),
    counts
  }
}
