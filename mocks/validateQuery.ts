/** Checks a request's query string against the parameters the spec declares for the operation. */
import type { ContractOperation } from "./apiContract.js"
import { type ErrorDetail, validationFailed } from "./apiError.js"
import { parseIsoDate, parseIsoDateTime } from "./calendar.js"

/** Throws a 422 ApiError listing every declared query parameter that is missing or malformed. */
export const validateQuery = (operation: ContractOperation, query: URLSearchParams): void => {
  const details: Array<ErrorDetail> = []
  for (const [name, param] of operation.queryParams) {
    const value = query.get(name)
    if (value === null) {
      if (param.required) details.push({ field: name, location: "query", message: "is required" })
      continue
    }
    if (param.type === "integer") {
      const n = /^-?\d+$/.test(value) ? Number(value) : NaN
      const lo = param.minimum ?? -Infinity
      const hi = param.maximum ?? Infinity
      if (!Number.isSafeInteger(n) || n < lo || n > hi) {
        details.push({ field: name, location: "query", message: Number.isFinite(lo) && Number.isFinite(hi) ? `must be an integer between ${lo} and ${hi}` : "must be an integer" })
      }
      continue
    }
    if (param.enum !== undefined && !param.enum.includes(value)) {
      details.push({ field: name, location: "query", message: `must be one of ${param.enum.join(", ")}` })
      continue
    }
    if (param.format === "date" && parseIsoDate(value) === undefined) {
      details.push({ field: name, location: "query", message: "must be a date (YYYY-MM-DD)" })
    } else if (param.format === "date-time" && parseIsoDateTime(value) === undefined) {
      details.push({ field: name, location: "query", message: "must be an RFC 3339 date-time with a time zone" })
    }
  }
  if (details.length > 0) throw validationFailed(details)
}
