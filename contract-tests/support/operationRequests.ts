/**
 * One valid request per operation of the OpenAPI description: what the connector sends for it. Both
 * contract suites (Prism and the stateful mock) use this table, and a test fails when an operation of the
 * spec or an endpoint of the manifest has no entry.
 */
export interface OperationRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH"
  /** path with its parameters filled in (ids are replaced by real ones for the stateful mock) */
  readonly path: string
  readonly query?: Readonly<Record<string, string>>
  readonly json?: unknown
  readonly form?: Readonly<Record<string, string>>
  /** the operation authenticates with client credentials, not a bearer token */
  readonly clientCredentials?: boolean
}

export interface Ids {
  readonly member: string
  readonly payroll: string
  readonly paystub: string
  readonly report: string
  readonly webhook: string
  readonly deduction: string
  readonly deductionType: string
  readonly policy: string
}

export const exampleIds: Ids = {
  member: "4f2b9c1e-8a3d-4e6f-b5c7-1d0e9a8b7c61",
  payroll: "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  paystub: "1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6",
  report: "5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a",
  webhook: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
  deduction: "6e5f4a3b-2c1d-4e0f-9a8b-7c6d5e4f3b2a",
  deductionType: "EQUIPMENT",
  policy: "11b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
}

export const operationRequests = (ids: Ids, client = { id: "client-id", secret: "client-secret" }): Readonly<Record<string, OperationRequest>> => ({
  get_company: { method: "GET", path: "/v1/company" },
  get_company_bank_account: { method: "GET", path: "/v1/company/bank-account" },
  get_company_business_info: { method: "GET", path: "/v1/company/business-info" },
  list_company_custom_fields: { method: "GET", path: "/v1/company/custom-fields", query: { limit: "100" } },
  list_company_jurisdictions: { method: "GET", path: "/v1/company/jurisdictions", query: { limit: "100" } },
  list_members: { method: "GET", path: "/v1/members", query: { limit: "100", updated_at_gte: "2024-01-01T00:00:00Z" } },
  get_member: { method: "GET", path: `/v1/members/${ids.member}` },
  list_member_custom_field_values: { method: "GET", path: `/v1/members/${ids.member}/custom-field-values`, query: { limit: "100" } },
  get_member_tax_id: { method: "GET", path: `/v1/members/${ids.member}/tax-id` },
  list_payrolls: { method: "GET", path: "/v1/payrolls", query: { start_date: "2025-01-01", end_date: "2025-03-31", limit: "100" } },
  list_payroll_fees: { method: "GET", path: `/v1/payrolls/${ids.payroll}/fees`, query: { limit: "100" } },
  list_payroll_paystubs: { method: "GET", path: `/v1/payrolls/${ids.payroll}/paystubs`, query: { limit: "100" } },
  get_paystub: { method: "GET", path: `/v1/paystubs/${ids.paystub}` },
  list_deduction_types: { method: "GET", path: "/v1/deduction-types", query: { limit: "100" } },
  list_deductions: { method: "GET", path: "/v1/deductions", query: { limit: "100" } },
  create_deductions: {
    method: "POST",
    path: "/v1/deductions",
    json: {
      items: [{
        operation_id: "contract-test-0001",
        member_id: ids.member,
        deduction_type_code: ids.deductionType,
        description: "Laptop repayment",
        amount_type: "fixed",
        amount: 12_500,
        currency: "USD",
        frequency: "every_paycheck",
        start_date: "2025-07-01",
        end_date: "2025-12-31"
      }]
    }
  },
  update_deductions: { method: "PUT", path: "/v1/deductions", json: { items: [{ deduction_id: ids.deduction, amount: 10_000 }] } },
  cancel_deductions: { method: "PATCH", path: "/v1/deductions/cancel", json: { deduction_ids: [ids.deduction] } },
  create_time_off_balances_report: {
    method: "POST",
    path: "/v1/time-off/balances",
    json: { member_id: ids.member, policy_id: ids.policy, as_of_date: "2025-06-30" }
  },
  get_time_off_balances_report: { method: "GET", path: `/v1/time-off/balances/${ids.report}`, query: { limit: "100" } },
  list_time_off_policies: { method: "GET", path: "/v1/time-off/policies", query: { limit: "100" } },
  list_time_off_requests: { method: "GET", path: "/v1/time-off/requests", query: { start_date: "2025-01-01", end_date: "2025-03-31", limit: "100" } },
  list_webhooks: { method: "POST", path: "/v1/webhooks/get", query: { limit: "100" } },
  resume_webhook: { method: "POST", path: `/v1/webhooks/${ids.webhook}/resume` },
  simulate_webhook: { method: "POST", path: `/v1/webhooks/${ids.webhook}/simulate`, json: {} },
  exchange_token: {
    method: "POST",
    path: "/oauth/token",
    clientCredentials: true,
    form: { grant_type: "refresh_token", client_id: client.id, client_secret: client.secret, refresh_token: "refresh-token" }
  },
  revoke_token: {
    method: "POST",
    path: "/v1/oauth/revoke",
    clientCredentials: true,
    form: { client_id: client.id, client_secret: client.secret, token: "refresh-token", token_type_hint: "refresh_token" }
  }
})

export interface SentResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
  readonly text: string
}

/** Send one request as the table describes it. */
export const send = async (
  baseUrl: string,
  request: OperationRequest,
  options: { readonly token?: string | undefined; readonly headers?: Readonly<Record<string, string>> } = {}
): Promise<SentResponse> => {
  const url = new URL(request.path, baseUrl)
  for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = { accept: "application/json", ...options.headers }
  if (options.token !== undefined && !request.clientCredentials) headers["authorization"] = `Bearer ${options.token}`
  let body: string | undefined
  if (request.json !== undefined) {
    headers["content-type"] = "application/json"
    body = JSON.stringify(request.json)
  } else if (request.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded"
    body = new URLSearchParams(request.form as Record<string, string>).toString()
  }
  const response = await fetch(url, { method: request.method, headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  let parsed: unknown = undefined
  try {
    parsed = text === "" ? undefined : JSON.parse(text)
  } catch {
    parsed = text
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}
