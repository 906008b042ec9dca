/**
 * Semi-monthly payroll runs (the 15th and the last day of each month) up to the data's anchor day, with
 * one paystub per member paid in the run, computed on demand. Money is integer cents and
 * net = gross − every employee deduction (taxes included). Run totals need every paystub of the run,
 * so they are computed in one pass over the members the first time they are asked for, then kept.
 */
import { civil, dayOf, endOfMonth, isoDate, parseIsoDate } from "./calendar.js"
import type { DataContext } from "./dataContext.js"
import type { Deductions, DeductionRecord } from "./deductions.js"
import { IdKind } from "./idCodec.js"
import type { MemberCore, Members } from "./members.js"
import { memoIndex } from "./memo.js"
import { unitHash } from "./seededRandom.js"

const K_STUB = 301
const SERVICE_FEE = 4950
const PROCESSING_FEE = 2500

export interface PayrollRun {
  readonly index: number
  readonly id: string
  readonly payDay: number
  readonly periodStart: number
  readonly periodEnd: number
  readonly debitDay: number
}

interface LineItem { readonly name: string; readonly type: string; readonly category: string; readonly amount: number; readonly currency: string }

interface StubAmounts {
  readonly gross: number
  readonly hours: number | null
  readonly fit: number
  readonly ss: number
  readonly medicare: number
  readonly sit: number
  readonly retirement: number
  readonly medicalEmployee: number
  readonly deduction: { readonly code: string; readonly name: string; readonly amount: number } | null
  readonly net: number
  readonly employerSs: number
  readonly employerMedicare: number
  readonly futa: number
  readonly suta: number
  readonly medicalEmployer: number
  readonly retirementMatch: number
}

export interface PayrollTotals {
  readonly gross_pay: number
  readonly employee_taxes: number
  readonly employer_taxes: number
  readonly net_pay: number
  readonly company_debit: number
  readonly paystubs: number
  readonly fees: number
}

export interface Payrolls {
  readonly runs: ReadonlyArray<PayrollRun>
  readonly runOf: (payrollId: string) => PayrollRun | undefined
  readonly record: (run: PayrollRun) => Record<string, unknown>
  readonly totals: (run: PayrollRun) => PayrollTotals
  /** Run indexes after `after` whose pay date is within [fromDay, toDay]. */
  readonly ordered: (fromDay: number, toDay: number, after: number | null) => Generator<number>
  /** Member indexes paid in the run, after `after`. */
  readonly paidMembers: (run: PayrollRun, after: number | null) => Generator<number>
  readonly isPaid: (core: MemberCore, run: PayrollRun) => boolean
  /** Fee positions (member index, or the member count for the run-level fee) after `after`. */
  readonly fees: (run: PayrollRun, after: number | null) => Generator<readonly [number, Record<string, unknown>]>
  readonly paystubId: (run: PayrollRun, memberIndex: number) => string
  /** Run and member of a paystub id, if that member was paid in that run. */
  readonly paystubOf: (paystubId: string) => { readonly run: PayrollRun; readonly memberIndex: number } | undefined
  readonly paystubSummary: (run: PayrollRun, memberIndex: number) => Record<string, unknown>
  readonly paystub: (run: PayrollRun, memberIndex: number) => Record<string, unknown>
  /** Add the run that follows the last one (the next semi-monthly pay day, even one after the data's today). */
  readonly addRun: () => PayrollRun
}

export const makePayrolls = (ctx: DataContext, members: Members, deductions: Deductions): Payrolls => {
  const n = members.count
  const payDays: Array<number> = []
  let { year, month } = civil(ctx.anchorDay)
  while (payDays.length < ctx.payrollMonths * 2) {
    for (const day of [endOfMonth(year, month), dayOf(year, month, 15)]) {
      if (day <= ctx.anchorDay && payDays.length < ctx.payrollMonths * 2) payDays.push(day)
    }
    month -= 1
    if (month === 0) { month = 12; year -= 1 }
  }
  payDays.reverse()
  const runs: Array<PayrollRun> = payDays.map((payDay, index) => {
    const c = civil(payDay)
    const periodStart = c.date === 15 ? dayOf(c.year, c.month, 1) : dayOf(c.year, c.month, 16)
    return { index, id: ctx.ids.encode(IdKind.payroll, index), payDay, periodStart, periodEnd: payDay, debitDay: payDay - 2 }
  })
  const runOf = (payrollId: string) => {
    const decoded = ctx.ids.decode(IdKind.payroll, payrollId)
    return decoded !== undefined && decoded[1] === 0 ? runs[decoded[0]] : undefined
  }

  const isPaid = (core: MemberCore, run: PayrollRun) =>
    !core.contractor && !core.international && members.isActiveOn(core, run.periodStart, run.periodEnd)

  /** A member's seeded deduction with its dates as day numbers (what paystubs need). */
  interface StubDeduction { readonly record: DeductionRecord; readonly startDay: number; readonly endDay: number }
  // Pure in the member index (the seeded deduction as generated, not as updated since): kept for reuse.
  const stubDeduction = memoIndex((m: number): StubDeduction | undefined => {
    const record = deductions.seededOfMember(m)
    if (record === undefined) return undefined
    const startDay = parseIsoDate(record.start_date) as number
    return { record, startDay, endDay: record.end_date === null ? Infinity : (parseIsoDate(record.end_date) as number) }
  }, n)
  const deductionApplies = (d: StubDeduction, run: PayrollRun) =>
    d.record.frequency === "one_time"
      ? d.startDay >= run.periodStart && d.startDay <= run.periodEnd
      : d.startDay <= run.payDay && d.endDay >= run.payDay

  const amounts = (core: MemberCore, run: PayrollRun, stubDed: StubDeduction | undefined): StubAmounts => {
    const deduction = stubDed?.record
    const rate = (core.pay.find((p) => p.effectiveDay <= run.payDay && (p.endDay === null || p.endDay >= run.payDay)) ?? core.pay[0])?.amount ?? 0
    const h = unitHash(ctx.seed, K_STUB, run.index, core.index)
    const hours = core.basis === "hourly" ? (core.partTime ? 40 : 80) + Math.floor(h * 9) : null
    const gross = hours === null ? Math.round(rate / 24) : rate * hours
    const retirement = Math.round((gross * core.retirementPercent) / 100)
    const taxable = gross - retirement
    const annual = gross * 24
    const fitRate = annual < 5_000_000 ? 0.1 : annual < 10_000_000 ? 0.15 : annual < 20_000_000 ? 0.2 : 0.24
    const fit = Math.round(taxable * fitRate)
    const ss = Math.round(gross * 0.062)
    const medicare = Math.round(gross * 0.0145)
    const sit = Math.round(taxable * 0.04)
    const medicalEmployee = core.medical ? 4500 + (core.index % 5) * 1000 : 0
    const before = gross - fit - ss - medicare - sit - retirement - medicalEmployee
    const wanted = stubDed !== undefined && deduction !== undefined && deductionApplies(stubDed, run) ? deduction.amount : 0
    const taken = Math.max(0, Math.min(wanted, before))
    return {
      gross, hours, fit, ss, medicare, sit, retirement, medicalEmployee,
      deduction: deduction !== undefined && taken > 0 ? { code: deduction.deduction_type_code, name: deduction.description || deduction.deduction_type_code, amount: taken } : null,
      net: before - taken,
      employerSs: ss,
      employerMedicare: medicare,
      futa: Math.round(gross * 0.006),
      suta: Math.round(gross * 0.027),
      medicalEmployer: core.medical ? 52_000 + (core.index % 4) * 3000 : 0,
      retirementMatch: Math.min(retirement, Math.round(gross * 0.04))
    }
  }

  const addRun = (): PayrollRun => {
    const last = runs[runs.length - 1]!
    const c = civil(last.payDay)
    const payDay = c.date === 15 ? endOfMonth(c.year, c.month) : dayOf(c.month === 12 ? c.year + 1 : c.year, c.month === 12 ? 1 : c.month + 1, 15)
    const p = civil(payDay)
    const periodStart = p.date === 15 ? dayOf(p.year, p.month, 1) : dayOf(p.year, p.month, 16)
    const index = runs.length
    const run: PayrollRun = { index, id: ctx.ids.encode(IdKind.payroll, index), payDay, periodStart, periodEnd: payDay, debitDay: payDay - 2 }
    runs.push(run)
    // the totals of every run are made in one pass: the next ask makes them again, the new run's included
    totalsCache = undefined
    return run
  }

  let totalsCache: Array<PayrollTotals> | undefined
  const totals = (run: PayrollRun): PayrollTotals => {
    if (totalsCache === undefined) {
      const acc = runs.map(() => ({ gross: 0, eeTax: 0, erTax: 0, net: 0, erBenefits: 0, stubs: 0 }))
      for (let m = 0; m < n; m++) {
        const core = members.core(m)
        if (core.contractor || core.international) continue
        const deduction = stubDeduction(m)
        for (const r of runs) {
          if (!isPaid(core, r)) continue
          const a = amounts(core, r, deduction)
          const t = acc[r.index] as (typeof acc)[number]
          t.gross += a.gross
          t.eeTax += a.fit + a.ss + a.medicare + a.sit
          t.erTax += a.employerSs + a.employerMedicare + a.futa + a.suta
          t.net += a.net
          t.erBenefits += a.medicalEmployer + a.retirementMatch
          t.stubs += 1
        }
      }
      totalsCache = acc.map((t) => {
        const fees = t.stubs * SERVICE_FEE + PROCESSING_FEE
        return {
          gross_pay: t.gross, employee_taxes: t.eeTax, employer_taxes: t.erTax, net_pay: t.net,
          company_debit: t.gross + t.erTax + t.erBenefits + fees, paystubs: t.stubs, fees: t.stubs + 1
        }
      })
    }
    return totalsCache[run.index] as PayrollTotals
  }

  const record = (run: PayrollRun) => {
    const t = totals(run)
    return {
      id: run.id,
      pay_date: isoDate(run.payDay),
      debit_date: isoDate(run.debitDay),
      payment_method: "direct_deposit",
      currency: "USD",
      gross_pay: t.gross_pay,
      employee_taxes: t.employee_taxes,
      employer_taxes: t.employer_taxes,
      net_pay: t.net_pay,
      company_debit: t.company_debit
    }
  }

  function* ordered(fromDay: number, toDay: number, after: number | null): Generator<number> {
    for (let p = after === null ? 0 : after + 1; p < runs.length; p++) {
      const run = runs[p] as PayrollRun
      if (run.payDay > toDay) return
      if (run.payDay >= fromDay) yield p
    }
  }

  function* paidMembers(run: PayrollRun, after: number | null): Generator<number> {
    for (let m = after === null ? 0 : after + 1; m < n; m++) if (isPaid(members.core(m), run)) yield m
  }

  function* fees(run: PayrollRun, after: number | null): Generator<readonly [number, Record<string, unknown>]> {
    for (const m of paidMembers(run, after)) {
      yield [m, { member_id: members.id(m), reference_id: run.id, reference_type: "payroll", name: "PEO service fee", type: "service_fee", amount: SERVICE_FEE, currency: "USD" }] as const
    }
    if (after === null || after < n) {
      yield [n, { member_id: null, reference_id: run.id, reference_type: "payroll", name: "Payroll processing fee", type: "processing_fee", amount: PROCESSING_FEE, currency: "USD" }] as const
    }
  }

  const paystubId = (run: PayrollRun, m: number) => ctx.ids.encode(IdKind.paystub, m, run.index)
  const paystubOf = (id: string) => {
    const decoded = ctx.ids.decode(IdKind.paystub, id)
    if (decoded === undefined) return undefined
    const [m, p] = decoded
    const run = runs[p]
    if (run === undefined || m >= n || !isPaid(members.core(m), run)) return undefined
    return { run, memberIndex: m }
  }

  const summaryOf = (run: PayrollRun, m: number, core: MemberCore, a: StubAmounts) => ({
    paystub_id: paystubId(run, m),
    member_id: members.id(m),
    pay_date: isoDate(run.payDay),
    pay_period_start: isoDate(run.periodStart),
    pay_period_end: isoDate(run.periodEnd),
    pay_group: core.basis === "salary" ? "Semi-monthly salaried" : "Semi-monthly hourly",
    currency: "USD",
    gross_pay: a.gross,
    net_pay: a.net
  })

  const paystubSummary = (run: PayrollRun, m: number) => {
    const core = members.core(m)
    return summaryOf(run, m, core, amounts(core, run, stubDeduction(m)))
  }

  const paystub = (run: PayrollRun, m: number) => {
    const core = members.core(m)
    const a = amounts(core, run, stubDeduction(m))
    const line = (name: string, type: string, category: string, amount: number): LineItem => ({ name, type, category, amount, currency: "USD" })
    const employee: Array<LineItem> = [
      line("Federal income tax", "federal_income_tax", "tax", a.fit),
      line("Social Security", "social_security", "tax", a.ss),
      line("Medicare", "medicare", "tax", a.medicare),
      line("State income tax", "state_income_tax", "tax", a.sit)
    ]
    if (a.retirement > 0) employee.push(line("401(k) pre-tax", "retirement_401k", "benefit", a.retirement))
    if (a.medicalEmployee > 0) employee.push(line("Medical premium", "medical", "benefit", a.medicalEmployee))
    if (a.deduction !== null) employee.push(line(a.deduction.name, a.deduction.code.toLowerCase(), "post_tax_deduction", a.deduction.amount))
    const employer: Array<LineItem> = [
      line("Social Security (employer)", "social_security", "tax", a.employerSs),
      line("Medicare (employer)", "medicare", "tax", a.employerMedicare),
      line("Federal unemployment (FUTA)", "futa", "tax", a.futa),
      line("State unemployment (SUTA)", "suta", "tax", a.suta)
    ]
    if (a.medicalEmployer > 0) employer.push(line("Medical premium", "medical", "benefit", a.medicalEmployer))
    if (a.retirementMatch > 0) employer.push(line("401(k) match", "retirement_401k_match", "benefit", a.retirementMatch))
    return {
      ...summaryOf(run, m, core, a),
      earnings: [a.hours === null ? line("Regular salary", "salary", "earning", a.gross) : line(`Regular hours (${a.hours}h)`, "hourly", "earning", a.gross)],
      employee_deductions: employee,
      employer_contributions: employer
    }
  }

  return { runs, runOf, record, totals, ordered, paidMembers, isPaid, fees, paystubId, paystubOf, paystubSummary, paystub, addRun }
}
