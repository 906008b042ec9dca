/**
 * Records and results as shown to people (the command line's `action` output): the values of sensitive
 * fields masked, wherever in the value a field of that name is, whatever its JSON type (an SSN sent as a
 * number is masked too). Sensitive are the fields the manifest's `sensitive_fields` declares, and those named
 * like a US taxpayer number whatever the manifest says. Any text shaped like an SSN is masked as well.
 */
import { maskSsnShapes } from "./redact.js"

/** Names of taxpayer numbers: masked to their last four digits, as people are used to seeing them. */
const TAXPAYER_NUMBERS: ReadonlySet<string> = new Set(["ssn", "itin", "social_security_number"])

/** Masked whatever the manifest declares. */
const ALWAYS: ReadonlyArray<string> = [...TAXPAYER_NUMBERS, "tax_id"]

/** The names of the sensitive fields: the last segment of each path the manifest declares, and the usual ones. */
export const sensitiveFieldNames = (declared: Readonly<Record<string, ReadonlyArray<string>>>): ReadonlySet<string> =>
  new Set([...ALWAYS, ...Object.values(declared).flat().map((path) => path.split(".").at(-1)!.toLowerCase())])

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A sensitive field's value, masked: `***-**-6789` for a taxpayer number, `***` for anything else; null stays null. */
const masked = (field: string, value: unknown): unknown => {
  if (value === null || value === undefined) return value
  if (TAXPAYER_NUMBERS.has(field) && (typeof value === "string" || typeof value === "number")) {
    const digits = String(value).replace(/\D/g, "")
    return digits.length >= 4 ? `***-**-${digits.slice(-4)}` : "***"
  }
  return "***"
}

/** `value` with every sensitive field (by name, at any depth) masked, and SSN-shaped text masked in every string. */
export const maskSensitive = (value: unknown, names: ReadonlySet<string>): unknown => {
  if (typeof value === "string") return maskSsnShapes(value)
  if (Array.isArray(value)) return value.map((v) => maskSensitive(v, names))
  if (!isObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, v]) => {
    const name = key.toLowerCase()
    return [key, names.has(name) ? masked(name, v) : maskSensitive(v, names)]
  }))
}
