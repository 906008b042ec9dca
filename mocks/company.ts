/** The company record and its small, fixed-size collections (departments, offices, custom fields, ...). */
import { isoDate, isoDateTime } from "./calendar.js"
import { companyNames, customFieldDefinitions, deductionTypes, departments, officeNames, places, type Place } from "./companyCatalog.js"
import type { DataContext } from "./dataContext.js"
import { IdKind } from "./idCodec.js"
import { hash32, seededRandom } from "./seededRandom.js"

export interface AddressRecord {
  readonly type: string | null
  readonly line1: string
  readonly line2: string | null
  readonly city: string
  readonly state: string
  readonly postal_code: string
  readonly country: string
}

export interface Department { readonly id: string; readonly name: string; readonly titles: ReadonlyArray<string> }
export interface Office { readonly id: string; readonly name: string; readonly place: Place; readonly address: AddressRecord }
export interface CustomFieldDefinitionRecord {
  readonly id: string
  readonly label: string
  readonly type: string
  readonly options: ReadonlyArray<string>
  readonly cardinality: string
  readonly category: string
}

export interface Company {
  readonly id: string
  readonly displayName: string
  readonly emailDomain: string
  readonly departments: ReadonlyArray<Department>
  readonly offices: ReadonlyArray<Office>
  readonly customFields: ReadonlyArray<CustomFieldDefinitionRecord>
  readonly jurisdictions: ReadonlyArray<{ readonly zone_code: string }>
  readonly deductionTypes: ReadonlyArray<{ readonly code: string; readonly description: string }>
  /** The full company record (every field; the API strips the scope-dependent ones). */
  readonly record: () => Record<string, unknown>
  readonly bankAccount: () => Record<string, unknown>
  readonly businessInfo: () => Record<string, unknown>
}

export const OFFICE_COUNT = 4

export const makeCompany = (ctx: DataContext): Company => {
  const r = seededRandom(ctx.seed, IdKind.company)
  const [displayName, legalName] = companyNames[hash32(ctx.seed, IdKind.company) % companyNames.length] as readonly [string, string]
  const emailDomain = `${displayName.toLowerCase().replace(/[^a-z]/g, "")}.example`
  const id = ctx.ids.encode(IdKind.company, 0)
  const deps: Array<Department> = departments.map((d, i) => ({ id: ctx.ids.encode(IdKind.department, i), name: d.name, titles: d.titles }))
  const offices: Array<Office> = places.slice(0, OFFICE_COUNT).map((place, i) => ({
    id: ctx.ids.encode(IdKind.office, i),
    name: `${place.city} ${officeNames[i] ?? "Office"}`,
    place,
    address: {
      type: "office",
      line1: `${r.int(10, 999)} ${r.pick(place.streets)}`,
      line2: r.chance(0.6) ? `Floor ${r.int(2, 30)}` : null,
      city: place.city,
      state: place.state,
      postal_code: place.postalCode,
      country: "US"
    }
  }))
  const customFields: Array<CustomFieldDefinitionRecord> = customFieldDefinitions.map((d, i) => ({
    id: ctx.ids.encode(IdKind.customField, i),
    label: d.label,
    type: d.type,
    options: [...d.options],
    cardinality: d.cardinality,
    category: d.category
  }))
  const jurisdictions = [...new Set(places.map((p) => p.state))].sort().map((state) => ({ zone_code: `US-${state}` }))
  const foundedDay = ctx.anchorDay - 365 * 5 - r.int(30, 900)
  const createdSec = foundedDay * 86_400 + r.int(13 * 3600, 20 * 3600)
  const updatedSec = (ctx.anchorDay - r.int(5, 120)) * 86_400 + r.int(13 * 3600, 20 * 3600)
  const taxId = `${r.int(10, 98)}-${r.int(1000000, 9999999)}`
  const hq = offices[0] as Office
  const phone = `+1${hq.place.areaCode}555${String(r.int(100, 199)).padStart(4, "0")}`
  const bank = {
    bank_name: r.pick(["JPMorgan Chase Bank, N.A.", "Bank of America, N.A.", "Silicon Valley Bank", "Wells Fargo Bank, N.A."]),
    account_type: "checking",
    account_number_tail: String(r.int(0, 9999)).padStart(4, "0"),
    routing_number: r.pick(["021000021", "026009593", "121140399", "121000248"])
  }
  const incorporated = foundedDay - r.int(10, 40)
  const officerNames = [["Alicia Chen", ["Chief Executive Officer", "President"]], ["Dan Reyes", ["Secretary"]], ["Morgan Patel", ["Chief Financial Officer", "Treasurer"]]] as const
  const business = {
    entity_identifiers: [
      { file_number: String(r.int(1000000, 9999999)), issue_date: isoDate(incorporated), state: "DE" },
      ...offices.map((o, i) => ({ file_number: String(r.int(1000000, 9999999)), issue_date: isoDate(incorporated + 15 + i * 40), state: o.place.state }))
    ],
    officers: officerNames.map(([name, titles]) => ({ name, titles: [...titles] }))
  }
  return {
    id,
    displayName,
    emailDomain,
    departments: deps,
    offices,
    customFields,
    jurisdictions,
    deductionTypes: deductionTypes.map((t) => ({ code: t.code, description: t.description })),
    record: () => ({
      id,
      display_name: displayName,
      legal_name: legalName,
      tax_id: taxId,
      addresses: [{ ...hq.address, type: "headquarters" }],
      departments: deps.map((d) => ({ id: d.id, name: d.name })),
      offices: offices.map((o) => ({ id: o.id, name: o.name, address: o.address })),
      phones: [{ number: phone, type: "main" }],
      country_data: {},
      created_at: isoDateTime(createdSec),
      updated_at: isoDateTime(updatedSec)
    }),
    bankAccount: () => ({ ...bank }),
    businessInfo: () => structuredClone(business)
  }
}
