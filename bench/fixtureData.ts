/**
 * Pre-rendered response bodies for the bench's fixture server. A members page is one byte template of 100
 * realistic (~1.2 KB) Member objects; each request copies it and patches fixed-width markers (member number,
 * `updated_at`) in place, so serving a million members costs a memcpy per page and no JSON.stringify.
 */

export const PAGE_SIZE = 100

/** Ten-digit member number marker, replaced by the zero-padded member index. */
const NUM = "@@@@@@@@@@"
/** `updated_at` marker: as wide as `2020-01-01T00:00:00.000Z`. */
const UPDATED = "^^^^^^^^^^^^^^^^^^^^^^^^"

const people = [
  ["Ada", "Lovelace", null, "Engineering", "Software Engineer"],
  ["Grace", "Hopper", "Amazing Grace", "Engineering", "Staff Engineer"],
  ["José", "Núñez", null, "Finance", "Controller"],
  ["Katherine", "Johnson", "Kathy", "Operations", "Analyst"],
  ["Alan", "Turing", null, "Research", "Research Scientist"],
  ["Margaret", "Hamilton", "Maggie", "Engineering", "Engineering Manager"],
  ["Linus", "Pauling", null, "People", "HR Generalist"],
  ["Hedy", "Lamarr", null, "Sales", "Account Executive"]
] as const

const memberTemplate = (slot: number): string => {
  const [given, family, preferred, department, title] = people[slot % people.length]!
  const salaried = slot % 3 !== 0
  const member = {
    id: `mbr_${NUM}`,
    company_id: "cmp_bench0001",
    work_id: `E${NUM}`,
    name: {
      given_name: given,
      family_name: family,
      preferred_name: preferred,
      full_preferred_name: `${preferred ?? given} ${family}`
    },
    active: true,
    type: slot % 7 === 0 ? "contractor" : "employee",
    emails: [
      { address: `m${NUM}@bench.example.com`, type: "work", primary: true },
      { address: `${given.toLowerCase()}.${family.toLowerCase()}@example.org`, type: "personal", primary: false }
    ],
    phones: [{ number: `+1212555${String(1000 + slot).slice(-4)}`, type: "mobile" }],
    addresses: [{
      type: "home",
      line1: `${100 + slot} Main Street`,
      line2: slot % 2 === 0 ? null : `Apt ${slot}`,
      city: "New York",
      state: "NY",
      postal_code: "10001",
      country: "US"
    }],
    department: { id: `dep_${slot % 5}`, name: department },
    office: { id: "off_1", name: "New York HQ" },
    manager: { id: "mbr_0000000001", full_preferred_name: "Grace Hopper" },
    job_title: title,
    employment_location_type: "domestic",
    current_employment: {
      status: "active",
      employment_type: slot % 7 === 0 ? "contractor" : "full_time",
      job_title: title,
      start_date: "2021-03-15",
      end_date: null
    },
    employment_start_date: "2021-03-15",
    employment_termination_date: null,
    date_added_to_justworks: "2021-03-01",
    current_pay: {
      basis: salaried ? "salary" : "hourly",
      amount: salaried ? 9_500_000 + slot * 125_000 : 4_250 + slot * 10,
      currency: "USD",
      effective_date: "2024-01-01",
      end_date: null
    },
    current_pay_frequency: "semi_monthly",
    created_at: "2021-03-01T12:00:00Z",
    updated_at: UPDATED
  }
  return JSON.stringify(member)
}

interface MemberSlot {
  /** end of this member's bytes in the template (exclusive) */
  readonly end: number
  readonly numbers: ReadonlyArray<number>
  readonly updated: number
}

const offsetsOf = (buffer: Buffer, marker: string, from: number, to: number): Array<number> => {
  const found: Array<number> = []
  for (let at = buffer.indexOf(marker, from, "latin1"); at >= 0 && at < to; at = buffer.indexOf(marker, at + 1, "latin1")) {
    found.push(at)
  }
  return found
}

const PREFIX = Buffer.from(`{"items":[`)

const buildMembersTemplate = () => {
  const parts: Array<string> = []
  for (let j = 0; j < PAGE_SIZE; j++) parts.push(memberTemplate(j))
  const bytes = Buffer.from(`{"items":[${parts.join(",")}`, "utf8")
  const slots: Array<MemberSlot> = []
  let start = PREFIX.length
  for (const part of parts) {
    const end = start + Buffer.byteLength(part)
    slots.push({ end, numbers: offsetsOf(bytes, NUM, start, end), updated: offsetsOf(bytes, UPDATED, start, end)[0]! })
    start = end + 1 // the comma
  }
  return { bytes, slots }
}

let membersTemplate: ReturnType<typeof buildMembersTemplate> | undefined

/** Average bytes of one member object. */
export const memberBytes = (): number => {
  membersTemplate ??= buildMembersTemplate()
  return Math.round((membersTemplate.bytes.length - PREFIX.length) / PAGE_SIZE)
}

const UPDATED_BASE = Date.UTC(2020, 0, 1)

export const pageCursor = (page: number): string => `p${page}`

/** Page `page` (0-based) of `total` members, as `{items, next_cursor}`; `updated_at` ascends with the index. */
export const membersPage = (page: number, total: number): Buffer => {
  membersTemplate ??= buildMembersTemplate()
  const { bytes, slots } = membersTemplate
  const first = page * PAGE_SIZE
  const count = Math.max(0, Math.min(PAGE_SIZE, total - first))
  const last = first + count >= total
  const suffix = `],"next_cursor":${last ? "null" : JSON.stringify(pageCursor(page + 1))}}`
  const bodyEnd = count === 0 ? PREFIX.length : slots[count - 1]!.end
  const out = Buffer.allocUnsafe(bodyEnd + suffix.length)
  bytes.copy(out, 0, 0, bodyEnd)
  for (let j = 0; j < count; j++) {
    const slot = slots[j]!
    const index = first + j
    const digits = String(index).padStart(10, "0")
    for (const at of slot.numbers) out.write(digits, at, "latin1")
    out.write(new Date(UPDATED_BASE + index * 1000).toISOString(), slot.updated, "latin1")
  }
  out.write(suffix, bodyEnd, "latin1")
  return out
}

/** Page `page` of `total` payrolls, all paid on `payDate` (so they fall in the requested window). */
export const payrollsPage = (page: number, total: number, payDate: string): Buffer => {
  const first = page * PAGE_SIZE
  const count = Math.max(0, Math.min(PAGE_SIZE, total - first))
  const items = Array.from({ length: count }, (_, j) => ({
    id: `pr_${String(first + j).padStart(6, "0")}`,
    pay_date: payDate,
    debit_date: payDate,
    payment_method: "direct_deposit",
    currency: "USD",
    gross_pay: 12_345_600 + j,
    employee_taxes: 2_345_600,
    employer_taxes: 1_234_500,
    net_pay: 10_000_000 + j,
    company_debit: 13_580_100 + j
  }))
  return Buffer.from(JSON.stringify({ items, next_cursor: first + count >= total ? null : pageCursor(page + 1) }))
}

const PAYROLL = "%%PAYROLL%%"

const paystubsParts = new Map<number, ReadonlyArray<string>>()

/** The one page of `perPayroll` paystub summaries of a payroll. */
export const paystubsPage = (payrollId: string, perPayroll: number): Buffer => {
  let parts = paystubsParts.get(perPayroll)
  if (parts !== undefined) return Buffer.from(parts.join(payrollId))
  parts = JSON.stringify({
    items: Array.from({ length: perPayroll }, (_, k) => ({
      paystub_id: `ps_${PAYROLL}_${k}`,
      member_id: `mbr_${String(k).padStart(10, "0")}`,
      pay_date: "2025-01-15",
      pay_period_start: "2025-01-01",
      pay_period_end: "2025-01-15",
      pay_group: "semi_monthly",
      currency: "USD",
      gross_pay: 520_833 + k,
      net_pay: 390_625 + k
    })),
    next_cursor: null
  }).split(PAYROLL)
  paystubsParts.set(perPayroll, parts)
  return Buffer.from(parts.join(payrollId))
}
