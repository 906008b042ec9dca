/**
 * Each case breaks the real connector.yaml in one way and asserts where (line:column, document path) and
 * why (reason, message) the loader rejects it. The expected position is found independently, by searching
 * the broken text for the snippet the error must point at.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { ManifestErrorReason } from "./ManifestError.js"
import { parseConnector } from "../model/loadConnector.js"
import { loadSpec, manifestText } from "../../test-support/projectManifest.js"

const original = manifestText()
const spec = loadSpec()

interface Case {
  readonly name: string
  /** [find, replace] pairs applied to the original text; each `find` must occur */
  readonly edits: ReadonlyArray<readonly [string, string]>
  readonly reason: ManifestErrorReason
  readonly path: string
  readonly message: RegExp
  /** the text the reported line:column must point at (first occurrence after `after`, if given) */
  readonly at: string
  readonly after?: string
}

const cases: ReadonlyArray<Case> = [
  {
    name: "YAML syntax error",
    edits: [["list_members: {}", "list_members: { scopes: [member.detail:read }"]],
    reason: "Syntax", path: "", message: /flow|expected|missing/i,
    at: "}", after: "list_members: { scopes: [member.detail:read "
  },
  {
    name: "duplicate key",
    edits: [["    path: /v1/company/bank-account\n", "    path: /v1/company/bank-account\n    path: /v1/company/bank\n"]],
    reason: "Syntax", path: "", message: /unique/i, at: "path: /v1/company/bank\n"
  },
  {
    name: "wrong type",
    edits: [["page_size: 100", "page_size: lots"]],
    reason: "Shape", path: "defaults.paginators.cursor.page_size", message: /Expected.*number|integer|lots/i, at: "lots"
  },
  {
    name: "page size over the API's maximum",
    edits: [["page_size: 100", "page_size: 500"]],
    reason: "Shape", path: "defaults.paginators.cursor.page_size", message: /between 1 and 100/, at: "500\n"
  },
  {
    name: "misspelt key",
    edits: [["    stream: deductions\n", "    stream: deductions\n    pagintor: cursor\n"]],
    reason: "Shape", path: "endpoints.list_deductions.pagintor", message: /unknown key "pagintor"/, at: "pagintor"
  },
  {
    name: "missing required field",
    edits: [["    path: /v1/members/{member_id}\n", ""]],
    reason: "Shape", path: "endpoints.get_member.path", message: /is missing/, at: "get_member:\n", after: "endpoints:"
  },
  {
    name: "unknown HTTP method",
    edits: [["    method: PATCH\n", "    method: FETCH\n"]],
    reason: "Shape", path: "endpoints.cancel_deductions.method", message: /"PATCH"/, at: "FETCH"
  },
  {
    name: "malformed scope name",
    edits: [["scopes: [member.employment:read]\n", "scopes: [Member Employment]\n"]],
    reason: "Shape", path: "presets.employment_data.scopes[0]", message: /OAuth scope/, at: "Member Employment"
  },
  {
    name: "malformed duration",
    edits: [["timeout: 30 seconds", "timeout: 30 secs"]],
    reason: "Shape", path: "defaults.requester.timeout", message: /duration|pattern/i, at: "30 secs"
  },
  {
    name: "unknown scope on an endpoint",
    edits: [["    scopes: [member.basic:read]\n    stream: members", "    scopes: [member.basic:reed]\n    stream: members"]],
    reason: "Reference", path: "endpoints.list_members.scopes[0]", message: /unknown scope "member.basic:reed"/, at: "member.basic:reed"
  },
  {
    name: "unknown parent stream",
    edits: [["    stream: payroll_fees\n    parent: { stream: payrolls,", "    stream: payroll_fees\n    parent: { stream: payroll,"]],
    reason: "Reference", path: "endpoints.list_payroll_fees.parent.stream", message: /unknown parent stream "payroll"/, at: "payroll,"
  },
  {
    name: "parent parameter not in the path",
    edits: [["parent: { stream: paystubs, field: paystub_id, param: paystub_id }", "parent: { stream: paystubs, field: id, param: stub_id }"]],
    reason: "Reference", path: "endpoints.get_paystub.parent.param", message: /"stub_id" is not a parameter of the path/, at: "stub_id }"
  },
  {
    name: "path parameter nobody fills",
    edits: [["    stream: paystub_details\n    parent: { stream: paystubs, field: paystub_id, param: paystub_id }\n", "    stream: paystub_details\n"]],
    reason: "Reference", path: "endpoints.get_paystub.path", message: /no value for path parameter \{paystub_id\}/, at: "/v1/paystubs/{paystub_id}"
  },
  {
    name: "parent streams in a cycle",
    edits: [["parent: { stream: paystubs, field: paystub_id, param: paystub_id }", "parent: { stream: paystub_details, field: id, param: paystub_id }"]],
    reason: "Reference", path: "endpoints.get_paystub.parent.stream", message: /cycle: paystub_details → paystub_details/, at: "paystub_details,"
  },
  {
    name: "scope implication cycle",
    edits: [['company.basic:read: { description: "The company\'s identity: name and id." }', 'company.basic:read:\n    description: "The company\'s identity: name and id."\n    includes: [company.detail:read]']],
    reason: "Reference", path: 'scopes["company.basic:read"].includes', message: /cycle: company.basic:read → company.detail:read → company.basic:read/, at: "[company.detail:read]"
  },
  {
    name: "implication of an undeclared scope",
    edits: [["includes: [deductions:read]", "includes: [deduction:read]"]],
    reason: "Reference", path: 'scopes["deductions:write"].includes[0]', message: /unknown scope "deduction:read"/, at: "deduction:read"
  },
  {
    name: "scope the API does not have",
    edits: [["  time_off:read: {", "  payroll:write: { description: Run payroll. }\n  time_off:read: {"]],
    reason: "Spec", path: 'scopes["payroll:write"]', message: /not a scope of the OpenAPI security scheme/, at: "payroll:write"
  },
  {
    name: "preset with an unknown scope",
    edits: [["scopes: [member.pay:read]\n", "scopes: [member.salary:read]\n"]],
    reason: "Reference", path: "presets.compensation.scopes[0]", message: /unknown scope "member.salary:read"/, at: "member.salary:read"
  },
  {
    name: "endpoint missing from the spec",
    edits: [["    path: /v1/deduction-types\n", "    path: /v1/deduction-kinds\n"]],
    reason: "Spec", path: "endpoints.list_deduction_types.path", message: /GET \/v1\/deduction-kinds is not an operation/, at: "/v1/deduction-kinds"
  },
  {
    name: "spec operation unaccounted for",
    edits: [
      ["  get_member_tax_id:\n    path: /v1/members/{member_id}/tax-id\n    scopes: [member.tax_id:read]\n", ""],
      ["  get_member_tax_id: {}\n", ""]
    ],
    reason: "Spec", path: "endpoints", message: /GET \/v1\/members\/\{member_id\}\/tax-id \(get_member_tax_id\).*has no endpoint/, at: "endpoints:\n"
  },
  {
    name: "endpoint not named after its operationId",
    edits: [["  get_company_business_info:\n    path", "  company_business_info:\n    path"], ["  get_company_business_info: {}", "  company_business_info: {}"]],
    reason: "Spec", path: "endpoints.company_business_info", message: /operationId .* is "get_company_business_info"/, at: "company_business_info:\n    path"
  },
  {
    name: "endpoint scopes disagree with the spec",
    edits: [["    path: /v1/company/bank-account\n    scopes: [company.bank_account:read]", "    path: /v1/company/bank-account\n    scopes: [company.detail:read]"]],
    reason: "Spec", path: "endpoints.get_company_bank_account.scopes", message: /differ from the operation's security.*company.bank_account:read/, at: "[company.detail:read]", after: "/v1/company/bank-account"
  },
  {
    name: "incremental parameter the operation does not take",
    edits: [["request_param: updated_at_gte", "request_param: updated_since"]],
    reason: "Spec", path: "endpoints.list_members.incremental.request_param", message: /query parameter "updated_since" is not declared for GET \/v1\/members/, at: "updated_since"
  },
  {
    name: "unknown paginator",
    edits: [["    stream: deduction_types\n", "    stream: deduction_types\n    paginator: offset\n"]],
    reason: "Reference", path: "endpoints.list_deduction_types.paginator", message: /unknown paginator "offset"/, at: "offset"
  },
  {
    name: "duplicate stream name",
    edits: [["    stream: deductions\n", "    stream: members\n"]],
    reason: "Reference", path: "endpoints.list_deductions.stream", message: /duplicate stream name "members" \(already declared at endpoints.list_members.stream\)/, at: "members\n  create"
  },
  {
    name: "stream options on an endpoint that is not a stream",
    edits: [["    path: /v1/members/{member_id}\n    scopes: [member.basic:read]\n", "    path: /v1/members/{member_id}\n    scopes: [member.basic:read]\n    paginator: cursor\n"]],
    reason: "Shape", path: "endpoints.get_member.paginator", message: /only applies to an endpoint with a "stream" name/, at: "paginator: cursor\n  list_member_custom"
  },
  {
    name: "field scope on a field the record does not have",
    edits: [["    date_of_birth: member.dob:read", "    date_of_brith: member.dob:read"]],
    reason: "Spec", path: "field_scopes.Member.date_of_brith", message: /"date_of_brith" is not a property of Member/, at: "date_of_brith"
  },
  {
    name: "sensitive field the record does not have",
    edits: [["  Member: [date_of_birth, sex_assigned_at_birth]", "  Member: [date_of_birth, ssn]"]],
    reason: "Spec", path: "sensitive_fields.Member[1]", message: /"ssn" is not a property of Member/, at: "ssn]"
  },
  {
    name: "sensitive field path that leaves the record's nested objects",
    edits: [["  MemberTaxId: [US.ssn]", "  MemberTaxId: [US.itin]"]],
    reason: "Spec", path: "sensitive_fields.MemberTaxId[0]", message: /"US.itin" is not a property of MemberTaxId/, at: "US.itin"
  },
  {
    name: "sensitive fields of a schema the spec does not have",
    edits: [["  Member: [date_of_birth, sex_assigned_at_birth]", "  Employee: [date_of_birth]"]],
    reason: "Spec", path: "sensitive_fields.Employee", message: /"Employee" is not a schema/, at: "Employee"
  },
  {
    name: "timeout of 0 (no deadline)",
    edits: [["timeout: 30 seconds", "timeout: 0 seconds"]],
    reason: "Shape", path: "defaults.requester.timeout", message: /must be longer than 0/, at: "0 seconds"
  },
  {
    name: "base URL that is not http(s)",
    edits: [["base_url: https://public-api.justworks.com", "base_url: javascript:alert(1)"]],
    reason: "Shape", path: "defaults.requester.base_url", message: /"javascript:alert\(1\)" is not an http\(s\) URL/, at: "javascript:"
  },
  {
    name: "token URL that is neither http(s) nor a path",
    edits: [["token_url: /oauth/token", "token_url: file:///etc/passwd"]],
    reason: "Shape", path: "auth.token_url", message: /not an http\(s\) URL \(nor a path starting with \/\)/, at: "file:///etc/passwd"
  },
  {
    name: "loopback redirect that leaves the machine",
    edits: [["loopback: http://127.0.0.1:{port}/justworks/oauth/callback", "loopback: http://203.0.113.7:{port}/justworks/oauth/callback"]],
    reason: "Shape", path: "auth.redirect_uris.loopback", message: /is not a loopback address/, at: "http://203.0.113.7"
  },
  {
    name: "refresh margin longer than the access token lives",
    edits: [["refresh_ahead: 10 minutes", "refresh_ahead: 25 hours"]],
    reason: "Shape", path: "auth.refresh_ahead", message: /refresh_ahead \(1d 1h\) must be shorter than access_token_lifetime \(1d\)/, at: "25 hours"
  },
  {
    name: "JSON depth bound beyond what the output can hold",
    edits: [["max_json_depth: 64", "max_json_depth: 5000"]],
    reason: "Shape", path: "defaults.requester.max_json_depth", message: /between 1 and 1000/, at: "5000"
  },
  {
    name: "body size without a unit",
    edits: [["max_body_size: 64 MiB", "max_body_size: 64"]],
    reason: "Shape", path: "defaults.requester.max_body_size", message: /Expected string, actual 64/, at: "64\n"
  },
  {
    name: "action calling an unknown endpoint",
    edits: [["  get_company: {}", "  get_company_info: {}"]],
    reason: "Reference", path: "actions.get_company_info", message: /unknown endpoint "get_company_info"/, at: "get_company_info"
  },
  {
    name: "action needing an undeclared scope beyond its endpoint's",
    edits: [["  list_company_jurisdictions: {}", "  list_company_jurisdictions: { scopes: [member.details:read] }"]],
    reason: "Reference", path: "actions.list_company_jurisdictions.scopes[0]", message: /unknown scope "member.details:read"/, at: "member.details:read"
  },
  {
    name: "batch over the request body's maxItems",
    edits: [["  batch:\n    size: 100\n", "  batch:\n    size: 500\n"]],
    reason: "Spec", path: "defaults.batch.size", message: /batches of 500 exceed the 100 items POST \/v1\/deductions accepts/, at: "500\n"
  },
  {
    name: "batch into a body property that is not an array",
    edits: [["batch: { items_field: deduction_ids,", "batch: { items_field: deduction_id,"]],
    reason: "Spec", path: "actions.cancel_deductions.batch.items_field", message: /"deduction_id" is not an array property of the request body of PATCH \/v1\/deductions\/cancel/, at: "deduction_id,", after: "cancel_deductions:"
  },
  {
    name: "batch idempotency key that is not a field of the items",
    edits: [["      idempotency_key: operation_id\n", "      idempotency_key: request_id\n"]],
    reason: "Spec", path: "actions.create_deductions.batch.idempotency_key", message: /idempotency key "request_id" is not a field of the items of POST \/v1\/deductions/, at: "request_id"
  },
  {
    name: "batch rule on an unknown field",
    edits: [["      key: deduction_id\n      rules: [{ field: end_date,", "      key: deduction_id\n      rules: [{ field: stop_date,"]],
    reason: "Spec", path: "actions.update_deductions.batch.rules[0].field", message: /rule field "stop_date" is not a field of the items of PUT \/v1\/deductions/, at: "stop_date"
  },
  {
    name: "batch action on an endpoint without a request body",
    edits: [["  list_deductions: {}", "  list_deductions: { batch: { items_field: items } }"]],
    reason: "Spec", path: "actions.list_deductions.batch", message: /endpoint "list_deductions" \(GET \/v1\/deductions\) takes no JSON request body/, at: "batch", after: "list_deductions: {"
  },
  {
    name: "healthcheck restating scopes (they come from its stream)",
    edits: [["{ name: List Company Departments, stream: departments }", "{ name: List Company Departments, stream: departments, scopes: [company.basic:read] }"]],
    reason: "Shape", path: "healthchecks[2].scopes", message: /unknown key "scopes"/, at: "scopes: [company.basic:read] }", after: "List Company Departments"
  },
  {
    name: "healthcheck on an unknown stream",
    edits: [["stream: time_off_policies }", "stream: time_off_policy }"]],
    reason: "Reference", path: "healthchecks[3].stream", message: /unknown stream "time_off_policy"/, at: "time_off_policy }"
  },
  {
    name: "stream read per parent record and in date windows",
    edits: [["    stream: payroll_fees\n    parent: { stream: payrolls, field: id, param: payroll_id }\n", "    stream: payroll_fees\n    parent: { stream: payrolls, field: id, param: payroll_id }\n    windows: { start_param: start_date, end_param: end_date, step: 90 days }\n"]],
    reason: "Shape", path: "endpoints.list_payroll_fees.windows", message: /a stream is read in one way: "parent" and "windows" cannot be combined/, at: "windows:", after: "list_payroll_fees:"
  },
  {
    name: "stream read through a report and in date windows",
    edits: [["    incremental: { snapshot: daily }", "    windows: { start_param: start_date, end_param: end_date, step: 90 days }\n    incremental: { snapshot: daily }"]],
    reason: "Shape", path: "endpoints.get_time_off_balances_report.report", message: /"windows" and "report" cannot be combined/, at: "report:\n", after: "step: 90 days }\n    incremental: { snapshot: daily }"
  },
  {
    name: "incremental request parameter on a stream read per parent record",
    edits: [["    incremental: { parent: changed } # the values", "    incremental: { cursor_field: updated_at, request_param: updated_at_gte } # the values"]],
    reason: "Shape", path: "endpoints.list_member_custom_field_values.incremental.request_param", message: /"request_param" applies to a stream read in one request or its pages; this one is read per parent record/, at: "updated_at_gte } # the values", after: "list_member_custom_field_values:"
  },
  {
    name: "lookback on a stream not read in date windows",
    edits: [["    incremental: { cursor_field: updated_at, request_param: updated_at_gte }", "    incremental: { lookback: 7 days }"]],
    reason: "Shape", path: "endpoints.list_members.incremental.lookback", message: /"lookback" applies to a stream read in date windows; this one is read in one request or its pages/, at: "7 days }"
  },
  {
    name: "two kinds of incremental read at once",
    edits: [["    incremental: { lookback: 31 days } # a payroll", "    incremental: { lookback: 31 days, parent: changed } # a payroll"]],
    reason: "Shape", path: "endpoints.list_payrolls.incremental", message: /one kind only: lookback and parent cannot be combined/, at: "incremental:", after: "list_payrolls:"
  },
  {
    name: "a cursor field without the request parameter that filters by it",
    edits: [["    incremental: { cursor_field: updated_at, request_param: updated_at_gte }", "    incremental: { cursor_field: updated_at }"]],
    reason: "Shape", path: "endpoints.list_members.incremental", message: /cursor_field and request_param go together/, at: "incremental:", after: "list_members:"
  },
  {
    name: "a child following a parent that is not read incrementally",
    edits: [["    incremental: { lookback: 31 days } # a payroll changes after it is created: the last month is read again\n", ""]],
    reason: "Shape", path: "endpoints.list_payroll_fees.incremental.parent", message: /the parent stream "payrolls" is not read incrementally/, at: "changed }", after: "list_payroll_fees:"
  },
  {
    name: "a daily snapshot of a stream that is not a report",
    edits: [["    incremental: { parent: new }", "    incremental: { snapshot: daily }"]],
    reason: "Shape", path: "endpoints.get_paystub.incremental.snapshot", message: /"snapshot" applies to a stream read through a report; this one is read per parent record/, at: "daily }", after: "get_paystub:"
  },
  {
    name: "a report input filtered by a parameter its operation does not take",
    edits: [["{ stream: members, query: { status: active } }", "{ stream: members, query: { state: active } }"]],
    reason: "Spec", path: "endpoints.get_time_off_balances_report.report.for_each[0].query.state", message: /query parameter "state" is not declared for GET \/v1\/members/, at: "active } }", after: "query: { state:"
  },
  {
    name: "a synthetic key that is not part of the primary key",
    edits: [["    primary_key: [payroll_id, fee_key]", "    primary_key: [payroll_id, type]"]],
    reason: "Shape", path: "endpoints.list_payroll_fees.synthetic_key.field", message: /"fee_key" is added to be a key: name it in primary_key/, at: "fee_key, from", after: "list_payroll_fees:"
  },
  {
    name: "default paginator that is not declared",
    edits: [["    paginator: cursor # for every stream", "    paginator: keyset # for every stream"]],
    reason: "Reference", path: "defaults.endpoint.paginator", message: /unknown paginator "keyset"/, at: "keyset"
  },
  {
    name: "excluded operation that does not exist",
    edits: [["healthchecks:\n", "excluded_operations:\n  delete_member: not offered by the API\n\nhealthchecks:\n"]],
    reason: "Spec", path: "excluded_operations.delete_member", message: /"delete_member" is not an operationId/, at: "delete_member"
  },
  {
    name: "excluded operation that is used",
    edits: [["healthchecks:\n", "excluded_operations:\n  get_member: read through list_members instead\n\nhealthchecks:\n"]],
    reason: "Spec", path: "excluded_operations.get_member", message: /"get_member" is excluded but used at endpoints.get_member/, at: "get_member: read through"
  },
  {
    name: "report body placeholder that names no for_each stream",
    edits: [['policy_id: "{time_off_policies.id}"', 'policy_id: "{policies.id}"']],
    reason: "Reference", path: "endpoints.get_time_off_balances_report.report.body.policy_id", message: /placeholder \{policies.id\}/, at: '"{policies.id}"'
  },
  {
    name: "record selector pointing at nothing the spec describes",
    edits: [["    stream: deductions\n", "    stream: deductions\n    records: $.entries\n"]],
    reason: "Spec", path: "endpoints.list_deductions.records", message: /has nothing at \$\.entries/, at: "$.entries"
  },
  {
    name: "document that is not a mapping",
    edits: [[original, "- just\n- a list\n"]],
    reason: "Shape", path: "", message: /expected a mapping/, at: "- just"
  }
]

const position = (text: string, snippet: string, after?: string) => {
  const from = after === undefined ? 0 : text.indexOf(after)
  const index = text.indexOf(snippet, from)
  if (from < 0 || index < 0) throw new Error(`test setup: "${snippet}" not found in the broken manifest`)
  const before = text.slice(0, index).split("\n")
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

describe("broken manifests are rejected with location and reason", () => {
  it("covers at least 20 distinct breakages", () => {
    expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(20)
  })

  for (const c of cases) {
    it(c.name, () =>
      Effect.gen(function*() {
        const text = c.edits.reduce((acc, [find, replace]) => {
          if (!acc.includes(find)) throw new Error(`test setup: "${find}" not found in connector.yaml`)
          return acc.replace(find, replace)
        }, original)
        const error = yield* Effect.flip(parseConnector("connector.yaml", text, spec))
        const problem = error.problems.find((p) => p.path === c.path && c.message.test(p.message))
        expect(problem, `expected a problem at ${c.path} matching ${c.message}; got:\n${error.message}`).toBeDefined()
        expect(problem!.reason).toBe(c.reason)
        expect({ line: problem!.line, column: problem!.column }).toEqual(position(text, c.at, c.after))
        const where = `connector.yaml:${problem!.line}:${problem!.column}`
        expect(error.message).toContain(where)
      }).pipe(Effect.runPromise))
  }
})
