/**
 * The company's members, computed on demand from their index. Member `i`'s base `updated_at` grows
 * strictly with `i`, so the (updated_at, id) order of untouched members is index order and a filter
 * on `updated_at` is a binary search. `touch` moves a member to a new `updated_at` (kept in a small map).
 */
import { DAY_SECONDS, isoDate, isoDateTime } from "./calendar.js"
import type { AddressRecord, Company } from "./company.js"
import { familyNames, givenNames, middleNames, places } from "./companyCatalog.js"
import type { DataContext } from "./dataContext.js"
import { IdKind } from "./idCodec.js"
import { lowerBound } from "./lowerBound.js"
import { memoIndex } from "./memo.js"
import { hash32, seededRandom, unitHash } from "./seededRandom.js"

const K_CORE = 101
const K_UPDATED = 102
const K_NAME = 103
const K_DETAIL = 104
const K_MANAGER = 105

export interface PayRecordCore { readonly amount: number; readonly effectiveDay: number; readonly endDay: number | null }

/** The attributes payroll, deductions and filters need; cheap to compute. */
export interface MemberCore {
  readonly index: number
  readonly contractor: boolean
  readonly international: boolean
  readonly startDay: number
  readonly addedDay: number
  readonly terminationDay: number | null
  readonly basis: "salary" | "hourly"
  /** Oldest first. */
  readonly pay: ReadonlyArray<PayRecordCore>
  readonly retirementPercent: number
  readonly medical: boolean
  readonly partTime: boolean
  readonly departmentIndex: number
  readonly titleIndex: number
  readonly promotionDay: number | null
  readonly officeIndex: number | null
  readonly homePlaceIndex: number
  readonly baseUpdatedSec: number
}

export interface MemberName { readonly given: string; readonly family: string; readonly preferred: string | null; readonly middle: string | null }

export interface MemberFilter {
  readonly status?: "active" | "terminated"
  /** Inclusive bounds on updated_at, epoch ms. */
  readonly loMs?: number
  readonly hiMs?: number
  readonly neMs?: number
}

export type MemberKey = readonly [number, string]

export interface Members {
  readonly count: number
  readonly id: (index: number) => string
  /** Index of a member id, or undefined. */
  readonly indexOf: (id: string) => number | undefined
  readonly core: (index: number) => MemberCore
  readonly name: (index: number) => MemberName
  readonly updatedSec: (index: number) => number
  /** The full member record (every field). */
  readonly record: (index: number) => Record<string, unknown>
  readonly customFieldValues: (index: number) => ReadonlyArray<{ readonly id: string; readonly values: ReadonlyArray<string> }>
  readonly ssn: (index: number) => string | undefined
  /** Sets a member's updated_at (epoch ms, truncated to the second); returns the new ISO value. */
  readonly touch: (index: number, atMs: number) => string
  readonly touchedCount: () => number
  /** Member indexes in (updated_at, id) order, after `after`, restricted to the filter. */
  readonly ordered: (filter: MemberFilter, after: MemberKey | null) => Generator<number>
  readonly key: (index: number) => MemberKey
  readonly isActiveOn: (core: MemberCore, fromDay: number, toDay: number) => boolean
}

const WINDOW_DAYS = 730

export const makeMembers = (ctx: DataContext, company: Company): Members => {
  const n = ctx.memberCount
  const windowStartSec = ctx.anchorSec - WINDOW_DAYS * DAY_SECONDS
  const span = WINDOW_DAYS * DAY_SECONDS - 3600
  const step = Math.max(1, Math.floor(span / Math.max(1, n)))
  const baseUpdatedSec = (i: number) => windowStartSec + i * step + Math.floor(unitHash(ctx.seed, K_UPDATED, i) * step)

  const id = (i: number) => ctx.ids.encode(IdKind.member, i)
  const indexOf = (memberId: string) => {
    const decoded = ctx.ids.decode(IdKind.member, memberId)
    return decoded !== undefined && decoded[1] === 0 && decoded[0] < n ? decoded[0] : undefined
  }

  const computeCore = (i: number): MemberCore => {
    const r = seededRandom(ctx.seed, K_CORE, i)
    const updated = baseUpdatedSec(i)
    const uDay = Math.floor(updated / DAY_SECONDS)
    const contractor = r.chance(0.05)
    const international = contractor ? r.chance(0.5) : r.chance(0.03)
    const terminated = r.chance(0.1)
    let startDay = uDay - r.int(0, 5 * 365)
    let terminationDay: number | null = null
    if (terminated) {
      terminationDay = uDay - r.int(0, 14)
      if (terminationDay < startDay + 30) startDay = terminationDay - r.int(30, 900)
    }
    const addedDay = startDay - r.int(0, 14)
    const basis = contractor || r.chance(0.15) ? "hourly" : "salary"
    const current = basis === "salary" ? r.int(450, 2500) * 10_000 : r.int(360, 1900) * 5
    const lastDay = terminationDay ?? uDay
    const tenure = lastDay - startDay
    const raises = tenure > 400 ? r.int(0, 2) : 0
    const raiseDays = Array.from({ length: raises }, () => startDay + r.int(180, Math.max(181, tenure)))
      .filter((d) => d <= lastDay).sort((a, b) => a - b)
    const effective = [startDay, ...new Set(raiseDays)].filter((d, k, all) => k === 0 || d > (all[k - 1] as number))
    const pay: Array<PayRecordCore> = []
    let amount = current
    for (let k = effective.length - 1; k >= 0; k--) {
      const next = effective[k + 1]
      pay.unshift({ amount, effectiveDay: effective[k] as number, endDay: next === undefined ? null : next - 1 })
      const factor = 1 + r.int(3, 12) / 100
      amount = basis === "salary" ? Math.round(amount / factor / 10_000) * 10_000 : Math.round(amount / factor / 5) * 5
    }
    const retirementPercent = contractor ? 0 : r.chance(0.6) ? r.int(3, 8) : 0
    const medical = !contractor && r.chance(0.8)
    const partTime = !contractor && r.chance(0.1)
    const departmentIndex = r.int(0, company.departments.length - 1)
    const titles = company.departments[departmentIndex]?.titles ?? ["Associate"]
    const titleIndex = r.int(0, titles.length - 1)
    const promotionDay = tenure > 365 && r.chance(0.3) ? startDay + r.int(180, tenure) : null
    const remote = r.chance(0.2)
    const officeIndex = international ? null : r.int(0, company.offices.length - 1)
    const homePlaceIndex = remote || officeIndex === null ? r.int(0, places.length - 1) : officeIndex
    return {
      index: i, contractor, international, startDay, addedDay, terminationDay, basis, pay, retirementPercent, medical, partTime,
      departmentIndex, titleIndex, promotionDay, officeIndex, homePlaceIndex, baseUpdatedSec: updated
    }
  }

  // Both are pure functions of the index, asked for again and again (payroll, time off, filters).
  const core = memoIndex(computeCore, n)

  const computeName = (i: number): MemberName => {
    const r = seededRandom(ctx.seed, K_NAME, i)
    const given = r.pick(givenNames)
    const family = r.pick(familyNames)
    const preferred = r.chance(0.15) ? given.slice(0, Math.max(3, given.length - 2)) : r.chance(0.5) ? given : null
    const middle = r.chance(0.15) ? r.pick(middleNames) : null
    return { given, family, preferred, middle }
  }
  const name = memoIndex(computeName, n)
  const fullPreferredName = (nm: MemberName) => `${nm.preferred ?? nm.given} ${nm.family}`

  const overrides = new Map<number, number>()
  let touchedSorted: Array<{ u: number; id: string; index: number }> | undefined
  const updatedSec = (i: number) => overrides.get(i) ?? baseUpdatedSec(i)

  const managerOf = (i: number): number | null => {
    if (n < 2 || unitHash(ctx.seed, K_MANAGER, i) < 0.03) return null
    const j = hash32(ctx.seed, K_MANAGER, i, 1) % n
    return j === i ? (j + 1) % n : j
  }

  const titleOf = (c: MemberCore, promoted: boolean) => {
    const titles = company.departments[c.departmentIndex]?.titles ?? ["Associate"]
    const index = promoted ? c.titleIndex : Math.max(0, c.titleIndex - 1)
    return titles[index] ?? "Associate"
  }

  const record = (i: number): Record<string, unknown> => {
    const c = core(i)
    const nm = name(i)
    const r = seededRandom(ctx.seed, K_DETAIL, i)
    const place = places[c.homePlaceIndex] ?? places[0]!
    const office = c.officeIndex === null ? undefined : company.offices[c.officeIndex]
    const department = company.departments[c.departmentIndex]
    const managerIndex = managerOf(i)
    const slug = `${nm.given}.${nm.family}`.toLowerCase().replace(/[^a-z.]/g, "")
    const emails = [{ address: `${slug}.${i + 1}@${company.emailDomain}`, type: "work", primary: true }]
    if (r.chance(0.3)) emails.push({ address: `${slug.replace(".", "")}${r.int(1, 99)}@example.net`, type: "personal", primary: false })
    const phones = [{ number: `+1${place.areaCode}555${String(r.int(0, 9999)).padStart(4, "0")}`, type: "mobile" }]
    const address: AddressRecord = {
      type: "home",
      line1: `${r.int(1, 2400)} ${r.pick(place.streets)}`,
      line2: r.chance(0.4) ? `Apt ${r.int(1, 30)}${r.pick(["A", "B", "C", "D"])}` : null,
      city: place.city,
      state: place.state,
      postal_code: place.postalCode,
      country: "US"
    }
    const dobDay = ctx.anchorDay - r.int(22 * 365, 62 * 365)
    const sex = r.chance(0.02) ? null : r.chance(0.5) ? "female" : "male"
    const terminated = c.terminationDay !== null
    const employmentType = c.contractor ? "contractor" : c.partTime ? "part_time" : "full_time"
    const jobTitle = titleOf(c, true)
    const history: Array<Record<string, unknown>> = []
    if (c.promotionDay !== null) {
      history.push({ status: terminated ? "terminated" : "active", employment_type: employmentType, job_title: jobTitle, start_date: isoDate(c.promotionDay), end_date: terminated ? isoDate(c.terminationDay as number) : null })
      history.push({ status: "ended", employment_type: employmentType, job_title: titleOf(c, false), start_date: isoDate(c.startDay), end_date: isoDate(c.promotionDay - 1) })
    } else {
      history.push({ status: terminated ? "terminated" : "active", employment_type: employmentType, job_title: jobTitle, start_date: isoDate(c.startDay), end_date: terminated ? isoDate(c.terminationDay as number) : null })
    }
    const payHistory = [...c.pay].reverse().map((p) => ({
      basis: c.basis, amount: p.amount, currency: "USD", effective_date: isoDate(p.effectiveDay), end_date: p.endDay === null ? null : isoDate(p.endDay)
    }))
    const createdSec = Math.min(c.addedDay * DAY_SECONDS + r.int(13 * 3600, 22 * 3600), c.baseUpdatedSec)
    return {
      id: id(i),
      company_id: company.id,
      work_id: `${company.displayName.replace(/[^A-Z]/g, "").slice(0, 3) || "MBR"}-${String(i + 1).padStart(n > 99_999 ? 6 : 5, "0")}`,
      name: {
        given_name: nm.given,
        family_name: nm.family,
        preferred_name: nm.preferred,
        full_preferred_name: fullPreferredName(nm),
        additional_names: nm.middle === null ? [] : [nm.middle]
      },
      active: !terminated,
      type: c.contractor ? "contractor" : "employee",
      employment_location_type: c.international ? "international" : "domestic",
      emails,
      phones,
      addresses: [address],
      department: department === undefined ? null : { id: department.id, name: department.name },
      office: office === undefined ? null : { id: office.id, name: office.name },
      manager: managerIndex === null ? null : { id: id(managerIndex), full_preferred_name: fullPreferredName(name(managerIndex)) },
      job_title: jobTitle,
      current_employment: history[0],
      employment_history: history,
      employment_start_date: isoDate(c.startDay),
      employment_termination_date: c.terminationDay === null ? null : isoDate(c.terminationDay),
      date_added_to_justworks: isoDate(c.addedDay),
      current_pay: payHistory[0],
      pay_history: payHistory,
      current_pay_frequency: c.contractor ? "monthly" : "semi_monthly",
      date_of_birth: isoDate(dobDay),
      sex_assigned_at_birth: sex,
      partner_settings: {},
      created_at: isoDateTime(createdSec),
      updated_at: isoDateTime(updatedSec(i))
    }
  }

  const customFieldValues = (i: number) => {
    const r = seededRandom(ctx.seed, K_DETAIL + 50, i)
    const out: Array<{ id: string; values: ReadonlyArray<string> }> = []
    for (const field of company.customFields) {
      switch (field.label) {
        case "T-shirt size": out.push({ id: field.id, values: [r.pick(field.options)] }); break
        case "Badge number": out.push({ id: field.id, values: [`B-${String(10_000 + i)}`] }); break
        case "Cost centers": {
          const first = r.int(0, field.options.length - 1)
          const values = r.chance(0.3) ? [first, (first + 1) % field.options.length].sort() : [first]
          out.push({ id: field.id, values: values.map((k) => field.options[k] as string) })
          break
        }
        default:
          if (r.chance(0.6)) out.push({ id: field.id, values: [field.options.length > 0 ? r.pick(field.options) : `LT-${r.int(10_000, 99_999)}`] })
      }
    }
    return out
  }

  const ssn = (i: number) => {
    const c = core(i)
    if (c.international) return undefined
    const r = seededRandom(ctx.seed, K_DETAIL + 60, i)
    return `9${String(r.int(0, 99)).padStart(2, "0")}-${String(r.int(70, 99))}-${String(r.int(0, 9999)).padStart(4, "0")}`
  }

  const touch = (i: number, atMs: number) => {
    const sec = Math.floor(atMs / 1000)
    overrides.set(i, sec)
    touchedSorted = undefined
    return isoDateTime(sec)
  }

  const key = (i: number): MemberKey => [updatedSec(i), id(i)]
  const after = (a: MemberKey, b: MemberKey) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])

  const touched = () => {
    if (touchedSorted === undefined) {
      touchedSorted = [...overrides].map(([index, u]) => ({ u, id: id(index), index }))
        .sort((a, b) => a.u - b.u || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }
    return touchedSorted
  }

  function* ordered(filter: MemberFilter, afterKey: MemberKey | null): Generator<number> {
    const loSec = filter.loMs === undefined ? -Infinity : Math.ceil(filter.loMs / 1000)
    const hiSec = filter.hiMs === undefined ? Infinity : Math.floor(filter.hiMs / 1000)
    const startSec = Math.max(loSec, afterKey === null ? -Infinity : afterKey[0])
    const list = touched()
    let b = lowerBound(0, n, (i) => baseUpdatedSec(i) >= startSec)
    let t = lowerBound(0, list.length, (k) => (list[k] as { u: number }).u >= startSec)
    for (;;) {
      let baseKey: MemberKey | undefined
      while (b < n) {
        if (!overrides.has(b)) {
          const k: MemberKey = [baseUpdatedSec(b), id(b)]
          if (afterKey === null || after(k, afterKey)) { baseKey = k; break }
        }
        b++
      }
      let touchedKey: MemberKey | undefined
      while (t < list.length) {
        const e = list[t] as { u: number; id: string }
        const k: MemberKey = [e.u, e.id]
        if (afterKey === null || after(k, afterKey)) { touchedKey = k; break }
        t++
      }
      const takeBase = baseKey !== undefined && (touchedKey === undefined || after(touchedKey, baseKey))
      const chosen = takeBase ? baseKey : touchedKey
      if (chosen === undefined || chosen[0] > hiSec) return
      const index = takeBase ? b++ : (list[t++] as { index: number }).index
      if (filter.neMs !== undefined && chosen[0] * 1000 === filter.neMs) continue
      if (filter.status !== undefined) {
        const terminated = core(index).terminationDay !== null
        if ((filter.status === "terminated") !== terminated) continue
      }
      yield index
    }
  }

  const isActiveOn = (c: MemberCore, fromDay: number, toDay: number) =>
    c.startDay <= toDay && (c.terminationDay === null || c.terminationDay >= fromDay)

  return {
    count: n, id, indexOf, core, name, updatedSec, record, customFieldValues, ssn, touch,
    touchedCount: () => overrides.size, ordered, key, isActiveOn
  }
}
