/**
 * One handler per data operation of the spec (keyed by operationId). Handlers run after the token, the
 * scopes and the declared query parameters were checked; they throw ApiError for 400/404/422 answers.
 */
import type { ApiContract } from "./apiContract.js"
import { ApiError, invalidField, notFound, validationFailed, type ErrorDetail } from "./apiError.js"
import { parseIsoDate, parseIsoDateTime } from "./calendar.js"
import type { DeductionFilter } from "./deductions.js"
import type { MemberFilter, MemberKey } from "./members.js"
import type { MockData } from "./mockData.js"
import { isPosition, type Paginator } from "./pagination.js"
import { RawJson } from "./rawJson.js"
import type { TimeOffRequestFilter } from "./timeOff.js"

export interface ApiRequest {
  readonly operationId: string
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** Parsed JSON body; undefined when the body was empty. */
  readonly body: unknown
  /** True when a body was sent but is not JSON. */
  readonly bodyInvalid: boolean
  /** Granted scopes, implications included. */
  readonly scopes: ReadonlySet<string>
  readonly now: number
}

export interface ApiResponse {
  readonly status: number
  /** JSON body; undefined for the operations the spec gives no body. */
  readonly body?: unknown
  /** Set on paginated lists: the `next_cursor` a `repeat_cursor` fault substitutes. */
  readonly repeatCursor?: string
}

export type ApiHandler = (request: ApiRequest) => ApiResponse

export interface ApiHandlerOptions {
  readonly reportReadyAfterPolls: number
}

const isMemberKey = (key: unknown): key is MemberKey =>
  Array.isArray(key) && key.length === 2 && Number.isInteger(key[0]) && typeof key[1] === "string"

/** Up to this many members, the served text of every member record is kept. */
const MEMBER_TEXT_LIMIT = 5000

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

export const makeApiHandlers = (data: MockData, contract: ApiContract, paginator: Paginator, options: ApiHandlerOptions): Readonly<Record<string, ApiHandler>> => {
  /** Per granted-scope set (the server hands the same set to every request of a token): schema → fields to hide. */
  const hiddenBySet = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>()
  const hiddenFields = (schema: string, fields: ReadonlyMap<string, string>, scopes: ReadonlySet<string>): ReadonlySet<string> => {
    let bySchema = hiddenBySet.get(scopes)
    if (bySchema === undefined) {
      bySchema = new Map()
      hiddenBySet.set(scopes, bySchema)
    }
    let hidden = bySchema.get(schema)
    if (hidden === undefined) {
      hidden = new Set([...fields].filter(([, needed]) => !scopes.has(needed)).map(([field]) => field))
      bySchema.set(schema, hidden)
    }
    return hidden
  }
  /** The record without the fields the granted scopes do not cover (the record itself when none is hidden). */
  const strip = (schema: string, record: Record<string, unknown>, scopes: ReadonlySet<string>) => {
    const fields = contract.fieldScopes.get(schema)
    if (fields === undefined) return record
    const hidden = hiddenFields(schema, fields, scopes)
    if (hidden.size === 0) return record
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(record)) {
      if (!hidden.has(k)) out[k] = v
    }
    return out
  }

  /**
   * A member record as served to these scopes, serialized once and kept (per set of hidden fields) until
   * the member's updated_at moves; only for companies small enough to keep every member's text.
   */
  const textsByKey = new Map<string, Array<{ readonly updatedSec: number; readonly json: RawJson } | undefined>>()
  const textsByHidden = new WeakMap<ReadonlySet<string>, Array<{ readonly updatedSec: number; readonly json: RawJson } | undefined>>()
  const NOTHING_HIDDEN: ReadonlySet<string> = new Set()
  const memberBody = (index: number, scopes: ReadonlySet<string>): unknown => {
    if (data.members.count > MEMBER_TEXT_LIMIT) return strip("Member", data.members.record(index), scopes)
    const fields = contract.fieldScopes.get("Member")
    const hidden = fields === undefined ? NOTHING_HIDDEN : hiddenFields("Member", fields, scopes)
    let texts = textsByHidden.get(hidden)
    if (texts === undefined) {
      const key = JSON.stringify([...hidden].sort())
      texts = textsByKey.get(key) ?? new Array(data.members.count)
      textsByKey.set(key, texts)
      textsByHidden.set(hidden, texts)
    }
    const updatedSec = data.members.updatedSec(index)
    const cached = texts[index]
    if (cached !== undefined && cached.updatedSec === updatedSec) return cached.json
    const json = new RawJson(JSON.stringify(strip("Member", data.members.record(index), scopes)))
    texts[index] = { updatedSec, json }
    return json
  }

  const limitOf = (req: ApiRequest) => {
    const raw = req.query.get("limit")
    return raw === null ? contract.limitDefault : Number(raw)
  }
  const cursorOf = (req: ApiRequest) => req.query.get("cursor")

  /** A list over fixed positions 0..items.length-1. */
  const listOf = (req: ApiRequest, items: ReadonlyArray<unknown>, scope: ReadonlyArray<unknown> = [], extra?: Record<string, unknown>): ApiResponse => {
    const page = paginator.page({
      operationId: req.operationId,
      scope,
      cursor: cursorOf(req),
      limit: limitOf(req),
      isKey: isPosition,
      source: function* (after) {
        for (let i = after === null ? 0 : after + 1; i < items.length; i++) yield [i, items[i]] as const
      },
      ...(extra !== undefined ? { extra } : {})
    })
    return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
  }

  const dateRange = (req: ApiRequest) => {
    const from = parseIsoDate(req.query.get("start_date") ?? "") as number
    const to = parseIsoDate(req.query.get("end_date") ?? "") as number
    if (to < from) throw invalidField("end_date", "query", "must not be before start_date")
    return [from, to] as const
  }

  const memberIndex = (req: ApiRequest) => {
    const id = req.params["member_id"] ?? ""
    const index = data.members.indexOf(id)
    if (index === undefined) throw notFound("member", id)
    return index
  }

  const optional = <K extends string>(req: ApiRequest, names: ReadonlyArray<K>): Partial<Record<K, string>> => {
    const out: Partial<Record<K, string>> = {}
    for (const name of names) {
      const v = req.query.get(name)
      if (v !== null) out[name] = v
    }
    return out
  }

  const batchItems = (req: ApiRequest, field: "items" | "deduction_ids"): ReadonlyArray<unknown> => {
    if (req.bodyInvalid) throw invalidField("body", "body", "must be a JSON object")
    const list = isObject(req.body) ? req.body[field] : undefined
    if (!Array.isArray(list)) throw invalidField(field, "body", "is required and must be an array")
    if (list.length < 1 || list.length > 100) throw invalidField(field, "body", "must hold between 1 and 100 entries")
    return list
  }

  const handlers: Record<string, ApiHandler> = {
    get_company: (req) => ({ status: 200, body: strip("Company", data.company.record(), req.scopes) }),
    get_company_bank_account: () => ({ status: 200, body: data.company.bankAccount() }),
    get_company_business_info: () => ({ status: 200, body: data.company.businessInfo() }),
    list_company_custom_fields: (req) => listOf(req, data.company.customFields),
    list_company_jurisdictions: (req) => listOf(req, data.company.jurisdictions),

    list_members: (req) => {
      const q = optional(req, ["status", "updated_at", "updated_at_gt", "updated_at_gte", "updated_at_lt", "updated_at_lte", "updated_at_ne"])
      const ms = (v: string | undefined) => (v === undefined ? undefined : (parseIsoDateTime(v) as number))
      let lo = -Infinity
      let hi = Infinity
      const eq = ms(q.updated_at), gt = ms(q.updated_at_gt), gte = ms(q.updated_at_gte), lt = ms(q.updated_at_lt), lte = ms(q.updated_at_lte)
      if (eq !== undefined) { lo = Math.max(lo, eq); hi = Math.min(hi, eq) }
      if (gt !== undefined) lo = Math.max(lo, gt + 1)
      if (gte !== undefined) lo = Math.max(lo, gte)
      if (lt !== undefined) hi = Math.min(hi, lt - 1)
      if (lte !== undefined) hi = Math.min(hi, lte)
      const ne = ms(q.updated_at_ne)
      const filter: MemberFilter = {
        ...(q.status !== undefined ? { status: q.status as "active" | "terminated" } : {}),
        ...(Number.isFinite(lo) ? { loMs: lo } : {}),
        ...(Number.isFinite(hi) ? { hiMs: hi } : {}),
        ...(ne !== undefined ? { neMs: ne } : {})
      }
      const page = paginator.page({
        operationId: req.operationId,
        scope: [q.status, q.updated_at, q.updated_at_gt, q.updated_at_gte, q.updated_at_lt, q.updated_at_lte, q.updated_at_ne],
        cursor: cursorOf(req),
        limit: limitOf(req),
        isKey: isMemberKey,
        source: function* (after) {
          for (const i of data.members.ordered(filter, after)) yield [data.members.key(i), memberBody(i, req.scopes)] as const
        }
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },
    get_member: (req) => ({ status: 200, body: memberBody(memberIndex(req), req.scopes) }),
    list_member_custom_field_values: (req) => {
      const index = memberIndex(req)
      return listOf(req, data.members.customFieldValues(index), [req.params["member_id"]])
    },
    get_member_tax_id: (req) => {
      const index = memberIndex(req)
      const core = data.members.core(index)
      if (core.international && core.contractor) {
        throw new ApiError(400, "unsupported_member_type", "Tax identifiers are only available for members employed in the United States.")
      }
      const ssn = data.members.ssn(index)
      if (ssn === undefined) throw new ApiError(404, "not_found", "No U.S. tax identifier is kept for this member.")
      return { status: 200, body: { US: { ssn } } }
    },

    list_payrolls: (req) => {
      const [from, to] = dateRange(req)
      const page = paginator.page({
        operationId: req.operationId,
        scope: [from, to],
        cursor: cursorOf(req),
        limit: limitOf(req),
        isKey: isPosition,
        source: function* (after) {
          for (const p of data.payrolls.ordered(from, to, after)) yield [p, data.payrolls.record(data.payrolls.runs[p]!)] as const
        }
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },
    list_payroll_fees: (req) => {
      const id = req.params["payroll_id"] ?? ""
      const run = data.payrolls.runOf(id)
      if (run === undefined) throw notFound("payroll", id)
      const page = paginator.page({
        operationId: req.operationId, scope: [id], cursor: cursorOf(req), limit: limitOf(req), isKey: isPosition,
        source: (after) => data.payrolls.fees(run, after)
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },
    list_payroll_paystubs: (req) => {
      const id = req.params["payroll_id"] ?? ""
      const run = data.payrolls.runOf(id)
      if (run === undefined) throw notFound("payroll", id)
      const page = paginator.page({
        operationId: req.operationId, scope: [id], cursor: cursorOf(req), limit: limitOf(req), isKey: isPosition,
        source: function* (after) {
          for (const m of data.payrolls.paidMembers(run, after)) yield [m, data.payrolls.paystubSummary(run, m)] as const
        }
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },
    get_paystub: (req) => {
      const id = req.params["paystub_id"] ?? ""
      const found = data.payrolls.paystubOf(id)
      if (found === undefined) throw notFound("paystub", id)
      return { status: 200, body: data.payrolls.paystub(found.run, found.memberIndex) }
    },

    list_deduction_types: (req) => listOf(req, data.company.deductionTypes),
    list_deductions: (req) => {
      const filter: DeductionFilter = optional(req, ["member_id", "deduction_type", "frequency", "description"])
      const page = paginator.page({
        operationId: req.operationId,
        scope: [filter.member_id, filter.deduction_type, filter.frequency, filter.description],
        cursor: cursorOf(req), limit: limitOf(req), isKey: isPosition,
        source: (after) => data.deductions.ordered(filter, after)
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },
    create_deductions: (req) => ({ status: 200, body: { items: data.deductions.create(batchItems(req, "items")) } }),
    update_deductions: (req) => ({ status: 200, body: { items: data.deductions.update(batchItems(req, "items")) } }),
    cancel_deductions: (req) => ({ status: 200, body: { items: data.deductions.cancel(batchItems(req, "deduction_ids")) } }),

    create_time_off_balances_report: (req) => {
      if (req.bodyInvalid || !isObject(req.body)) throw invalidField("body", "body", "must be a JSON object")
      const body = req.body
      const details: Array<ErrorDetail> = []
      const memberIdx = typeof body["member_id"] === "string" ? data.members.indexOf(body["member_id"]) : undefined
      if (memberIdx === undefined) details.push({ field: "member_id", location: "body", message: body["member_id"] === undefined ? "is required" : "is not a member of this company" })
      const policyIdx = typeof body["policy_id"] === "string" ? data.timeOff.policyIndexOf(body["policy_id"]) : undefined
      if (policyIdx === undefined) details.push({ field: "policy_id", location: "body", message: body["policy_id"] === undefined ? "is required" : "is not a time-off policy of this company" })
      const asOf = typeof body["as_of_date"] === "string" ? parseIsoDate(body["as_of_date"]) : undefined
      if (asOf === undefined) details.push({ field: "as_of_date", location: "body", message: body["as_of_date"] === undefined ? "is required" : "must be a date (YYYY-MM-DD)" })
      if (details.length > 0) throw validationFailed(details)
      const report = data.timeOff.createReport(memberIdx as number, policyIdx as number, asOf as number)
      return { status: 202, body: { report_id: report.id, status: "pending" } }
    },
    get_time_off_balances_report: (req) => {
      const id = req.params["report_id"] ?? ""
      const report = data.timeOff.report(id)
      if (report === undefined) throw notFound("time-off balances report", id)
      report.polls += 1
      if (report.polls <= options.reportReadyAfterPolls) return { status: 200, body: { report_id: report.id, status: "pending", message: null } }
      const result = data.timeOff.balances(report)
      if ("failure" in result) return { status: 200, body: { report_id: report.id, status: "failed", message: result.failure } }
      return listOf(req, result.items, [id], { report_id: report.id, status: "ready", message: null })
    },
    list_time_off_policies: (req) => {
      const status = req.query.get("status")
      return listOf(req, data.timeOff.policies.filter((p) => status === null || p.status === status), [status])
    },
    list_time_off_requests: (req) => {
      const [from, to] = dateRange(req)
      const filter: TimeOffRequestFilter = optional(req, ["member_id", "policy_id", "status"])
      const page = paginator.page({
        operationId: req.operationId,
        scope: [from, to, filter.member_id, filter.policy_id, filter.status],
        cursor: cursorOf(req), limit: limitOf(req), isKey: isPosition,
        source: function* (after) {
          for (const r of data.timeOff.ordered(from, to, filter, after)) yield [r, data.timeOff.request(r)] as const
        }
      })
      return { status: 200, body: page.body, repeatCursor: page.repeatCursor }
    },

    list_webhooks: (req) => {
      const status = req.query.get("status")
      return listOf(req, data.webhooks.list.filter((w) => status === null || w.status === status).map((w) => ({ ...w })), [status])
    },
    resume_webhook: (req) => {
      const id = req.params["webhook_id"] ?? ""
      const webhook = data.webhooks.get(id)
      if (webhook === undefined) throw notFound("webhook", id)
      data.webhooks.resume(webhook)
      return { status: 200 }
    },
    simulate_webhook: (req) => {
      const id = req.params["webhook_id"] ?? ""
      const webhook = data.webhooks.get(id)
      if (webhook === undefined) throw notFound("webhook", id)
      if (req.bodyInvalid || (req.body !== undefined && !isObject(req.body))) throw invalidField("body", "body", "must be a JSON object")
      const body = (req.body ?? {}) as Record<string, unknown>
      const details: Array<ErrorDetail> = []
      const url = body["url_override"]
      if (url !== undefined && !(typeof url === "string" && /^https?:\/\/[^\s]+$/.test(url) && URL.canParse(url))) {
        details.push({ field: "url_override", location: "body", message: "must be an absolute http(s) URL" })
      }
      const payload = body["payload_override"]
      if (payload !== undefined && !isObject(payload)) details.push({ field: "payload_override", location: "body", message: "must be an object" })
      if (details.length > 0) throw validationFailed(details)
      data.webhooks.simulate(webhook, {
        ...(typeof url === "string" ? { url_override: url } : {}),
        ...(isObject(payload) ? { payload_override: payload } : {})
      }, req.now)
      return { status: 200 }
    }
  }
  return handlers
}
