// Generated from schemas/justworks.openapi.yaml and connector.yaml by `npm run gen:schema`; a test fails when it is stale.

/** The record type of each stream: what `Justworks.stream(name)` yields. */
export interface StreamRecords {
  /** GET /v1/company */
  readonly company: Company
  /** GET /v1/company, $.departments */
  readonly departments: Department
  /** GET /v1/company, $.offices */
  readonly offices: Office
  /** GET /v1/company/bank-account */
  readonly company_bank_account: CompanyBankAccount
  /** GET /v1/company/business-info */
  readonly company_business_info: CompanyBusinessInfo
  /** GET /v1/company/custom-fields, $.items */
  readonly company_custom_fields: CustomFieldDefinition
  /** GET /v1/company/jurisdictions, $.items */
  readonly company_jurisdictions: Jurisdiction
  /** GET /v1/members, $.items */
  readonly members: Member
  /** GET /v1/members/{member_id}/custom-field-values, $.items, with the parent's id as member_id */
  readonly member_custom_field_values: CustomFieldValue & { readonly member_id: string }
  /** GET /v1/payrolls, $.items */
  readonly payrolls: Payroll
  /** GET /v1/payrolls/{payroll_id}/fees, $.items, with the parent's id as payroll_id, with fee_key made of type and member_id */
  readonly payroll_fees: PayrollFee & { readonly payroll_id: string; readonly fee_key: string }
  /** GET /v1/payrolls/{payroll_id}/paystubs, $.items, with the parent's id as payroll_id */
  readonly paystubs: PaystubSummary & { readonly payroll_id: string }
  /** GET /v1/paystubs/{paystub_id}, with the parent's paystub_id as paystub_id */
  readonly paystub_details: Paystub & { readonly paystub_id: string }
  /** GET /v1/deduction-types, $.items */
  readonly deduction_types: DeductionType
  /** GET /v1/deductions, $.items */
  readonly deductions: Deduction
  /** GET /v1/time-off/balances/{report_id}, $.items */
  readonly time_off_balances: TimeOffBalance
  /** GET /v1/time-off/policies, $.items */
  readonly time_off_policies: TimeOffPolicy
  /** GET /v1/time-off/requests, $.items */
  readonly time_off_requests: TimeOffRequest
  /** POST /v1/webhooks/get, $.items */
  readonly webhooks: Webhook
}

/** The input of each action: its path and query parameters, and its body's fields (or the body whole as `body`). */
export interface ActionInputs {
  readonly get_company: Readonly<Record<string, never>>
  readonly get_company_bank_account: Readonly<Record<string, never>>
  readonly get_company_business_info: Readonly<Record<string, never>>
  readonly list_company_custom_fields: {
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_company_jurisdictions: {
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_members: {
    readonly cursor?: string
    readonly limit?: number
    readonly status?: "active" | "terminated"
    readonly updated_at?: string
    readonly updated_at_gt?: string
    readonly updated_at_gte?: string
    readonly updated_at_lt?: string
    readonly updated_at_lte?: string
    readonly updated_at_ne?: string
  }
  readonly get_member: {
    readonly member_id: string
  }
  readonly list_member_custom_field_values: {
    readonly member_id: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly get_member_tax_id: {
    readonly member_id: string
  }
  readonly list_payrolls: {
    readonly start_date: string
    readonly end_date: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_payroll_fees: {
    readonly payroll_id: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_payroll_paystubs: {
    readonly payroll_id: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly get_paystub: {
    readonly paystub_id: string
  }
  readonly list_deduction_types: {
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_deductions: {
    readonly member_id?: string
    readonly deduction_type?: string
    readonly frequency?: "one_time" | "every_paycheck"
    readonly description?: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly create_deductions: {
    readonly items: ReadonlyArray<DeductionCreate>
  } | { readonly body: {
    readonly items: ReadonlyArray<DeductionCreate>
  } }
  readonly update_deductions: {
    readonly items: ReadonlyArray<DeductionUpdate>
  } | { readonly body: {
    readonly items: ReadonlyArray<DeductionUpdate>
  } }
  readonly cancel_deductions: {
    readonly deduction_ids: ReadonlyArray<string>
  } | { readonly body: {
    readonly deduction_ids: ReadonlyArray<string>
  } }
  readonly create_time_off_balances_report: {
    /** Member whose balance is wanted. */
    readonly member_id: string
    /** Time-off policy to report on. */
    readonly policy_id: string
    /** Date the balance is computed for. */
    readonly as_of_date: string
  } | { readonly body: {
    /** Member whose balance is wanted. */
    readonly member_id: string
    /** Time-off policy to report on. */
    readonly policy_id: string
    /** Date the balance is computed for. */
    readonly as_of_date: string
  } }
  readonly get_time_off_balances_report: {
    readonly report_id: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_time_off_policies: {
    readonly status?: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_time_off_requests: {
    readonly start_date: string
    readonly end_date: string
    readonly member_id?: string
    readonly policy_id?: string
    readonly status?: string
    readonly cursor?: string
    readonly limit?: number
  }
  readonly list_webhooks: {
    readonly status?: "opened" | "closed"
    readonly cursor?: string
    readonly limit?: number
  }
  readonly resume_webhook: {
    readonly webhook_id: string
  }
  readonly simulate_webhook: {
    readonly webhook_id: string
  } & ({
    /** Send the test event here instead of the registered URL. */
    readonly url_override?: string
    /** Event body to send instead of the generated sample. */
    readonly payload_override?: Readonly<Record<string, unknown>>
  } | { readonly body?: {
    /** Send the test event here instead of the registered URL. */
    readonly url_override?: string
    /** Event body to send instead of the generated sample. */
    readonly payload_override?: Readonly<Record<string, unknown>>
  } })
}

/** The response of each action (its 2xx JSON body). */
export interface ActionResponses {
  readonly get_company: Company
  readonly get_company_bank_account: CompanyBankAccount
  readonly get_company_business_info: CompanyBusinessInfo
  readonly list_company_custom_fields: CustomFieldPage
  readonly list_company_jurisdictions: JurisdictionPage
  readonly list_members: MemberPage
  readonly get_member: Member
  readonly list_member_custom_field_values: CustomFieldValuePage
  readonly get_member_tax_id: MemberTaxId
  readonly list_payrolls: PayrollPage
  readonly list_payroll_fees: PayrollFeePage
  readonly list_payroll_paystubs: PaystubSummaryPage
  readonly get_paystub: Paystub
  readonly list_deduction_types: DeductionTypePage
  readonly list_deductions: DeductionPage
  readonly create_deductions: DeductionWriteResult
  readonly update_deductions: DeductionWriteResult
  readonly cancel_deductions: DeductionWriteResult
  readonly create_time_off_balances_report: TimeOffBalancesReportCreated
  readonly get_time_off_balances_report: TimeOffBalancesReport
  readonly list_time_off_policies: TimeOffPolicyPage
  readonly list_time_off_requests: TimeOffRequestPage
  readonly list_webhooks: WebhookPage
  readonly resume_webhook: undefined
  readonly simulate_webhook: undefined
}

/** The company the access token belongs to. Departments and offices listed here are the source of the connector's department and office streams. */
export type Company = {
  /** Company identifier. */
  readonly id: string
  /** Name the company goes by. */
  readonly display_name?: string
  /** Registered legal name. */
  readonly legal_name?: string
  /** Employer identification number. */
  readonly tax_id?: string
  /** Company addresses. Only returned when the token was granted `company.detail:read`; omitted otherwise. */
  readonly addresses?: ReadonlyArray<Address>
  /** Every department of the company. Only returned when the token was granted `company.detail:read`; omitted otherwise. */
  readonly departments?: ReadonlyArray<Department>
  /** Every office of the company. Only returned when the token was granted `company.detail:read`; omitted otherwise. */
  readonly offices?: ReadonlyArray<Office>
  /** Company phone numbers. */
  readonly phones?: ReadonlyArray<Phone>
  /** Country-specific attributes; the content varies by country. */
  readonly country_data?: Readonly<Record<string, unknown>>
  /** When the company record was created. */
  readonly created_at?: string
  /** When the company record last changed. */
  readonly updated_at?: string
}

/** A department defined by the company. */
export type Department = {
  /** Department identifier. */
  readonly id: string
  /** Department name. */
  readonly name: string
}

/** An office (work location) defined by the company. */
export type Office = {
  /** Office identifier. */
  readonly id: string
  /** Office name. */
  readonly name: string
  readonly address?: Address
}

/** The bank account the company funds payroll from, with the account number masked. */
export type CompanyBankAccount = {
  /** Name of the bank. */
  readonly bank_name?: string
  /** Kind of account, e.g. `checking` or `savings`. */
  readonly account_type?: string
  /** Last digits of the account number. */
  readonly account_number_tail?: string
  /** ABA routing number. */
  readonly routing_number?: string
}

/** Verified registration identifiers and officers of the company. */
export type CompanyBusinessInfo = {
  /** Registrations with state authorities. */
  readonly entity_identifiers?: ReadonlyArray<{
    /** Registration or file number issued by the state. */
    readonly file_number?: string
    /** Date the registration was issued. */
    readonly issue_date?: string
    /** Two-letter state code. */
    readonly state?: string
  }>
  /** Company officers. */
  readonly officers?: ReadonlyArray<{
    /** Officer's full name. */
    readonly name?: string
    /** Titles the officer holds. */
    readonly titles?: ReadonlyArray<string>
  }>
}

/** A custom field the company defined for member profiles. */
export type CustomFieldDefinition = {
  /** Custom field identifier; member custom field values refer to it. */
  readonly id: string
  /** Label shown in Justworks. */
  readonly label: string
  /** Value type, e.g. `text`, `number`, `date`, `select`. */
  readonly type?: string
  /** Allowed choices for select-style fields; empty otherwise. */
  readonly options?: ReadonlyArray<string>
  /** Whether the field holds one value (`single`) or several (`multiple`). */
  readonly cardinality?: string
  /** Grouping of the field inside Justworks. */
  readonly category?: string
}

/** A tax/labor jurisdiction the company operates in. */
export type Jurisdiction = {
  /** Jurisdiction code, e.g. `US-NY`. */
  readonly zone_code: string
}

/** A person on the company's Justworks account. The fields returned depend on the scopes granted: everything beyond `member.basic:read` is left out of the response when its scope is missing, so only `id` and `updated_at` are guaranteed. */
export type Member = {
  /** Member identifier. */
  readonly id: string
  /** Identifier of the member's company. */
  readonly company_id?: string
  /** Company-assigned employee number. */
  readonly work_id?: string
  readonly name?: MemberName
  /** Whether the member is currently active. */
  readonly active?: boolean
  /** Kind of member, e.g. `employee` or `contractor`. */
  readonly type?: string
  /** Email addresses. */
  readonly emails?: ReadonlyArray<Email>
  /** Phone numbers. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly phones?: ReadonlyArray<Phone>
  /** Home and mailing addresses. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly addresses?: ReadonlyArray<Address>
  /** Department the member belongs to; `null` when none. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly department?: {
    /** Department identifier. */
    readonly id: string
    /** Department name. */
    readonly name?: string
  } | null
  /** Office the member is assigned to; `null` when none. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly office?: {
    /** Office identifier. */
    readonly id: string
    /** Office name. */
    readonly name?: string
  } | null
  /** The member's manager; `null` when none. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly manager?: {
    /** Member identifier of the manager. */
    readonly id: string
    /** Display name of the manager. */
    readonly full_preferred_name?: string
  } | null
  /** Current job title. Only returned when the token was granted `member.detail:read`; omitted otherwise. */
  readonly job_title?: string | null
  /** Partner-specific settings attached to the member. */
  readonly partner_settings?: Readonly<Record<string, unknown>>
  /** Where the member is employed from, e.g. `domestic` or `international`. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly employment_location_type?: string
  /** Current employment period and status. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly current_employment?: EmploymentRecord
  /** All employment periods, newest first. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly employment_history?: ReadonlyArray<EmploymentRecord>
  /** First day of employment. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly employment_start_date?: string
  /** Last day of employment; `null` unless terminated. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly employment_termination_date?: string | null
  /** Date the member was added to Justworks. Only returned when the token was granted `member.employment:read`; omitted otherwise. */
  readonly date_added_to_justworks?: string
  /** Current pay rate. Only returned when the token was granted `member.pay:read`; omitted otherwise. */
  readonly current_pay?: PayRecord
  /** Past and current pay rates. Only returned when the token was granted `member.pay:read`; omitted otherwise. */
  readonly pay_history?: ReadonlyArray<PayRecord>
  /** How often the member is paid, e.g. `weekly`, `bi_weekly`, `semi_monthly`. Only returned when the token was granted `member.pay:read`; omitted otherwise. */
  readonly current_pay_frequency?: string
  /** Date of birth. Only returned when the token was granted `member.dob:read`; omitted otherwise. */
  readonly date_of_birth?: string | null
  /** Sex assigned at birth. Only returned when the token was granted `member.sex:read`; omitted otherwise. */
  readonly sex_assigned_at_birth?: string | null
  /** When the member record was created. */
  readonly created_at?: string
  /** When the member record last changed; the connector's incremental cursor. */
  readonly updated_at: string
}

/** Value(s) a member holds for one company custom field. */
export type CustomFieldValue = {
  /** Identifier of the custom field definition this value belongs to. */
  readonly id: string
  /** Values as strings; a single-value field has at most one entry. */
  readonly values: ReadonlyArray<string>
}

/** A payroll run. Money fields are integer cents. */
export type Payroll = {
  /** Payroll identifier. */
  readonly id: string
  /** Date members are paid. */
  readonly pay_date?: string
  /** Date the company account is debited. */
  readonly debit_date?: string
  /** How members are paid, e.g. `direct_deposit` or `check`. */
  readonly payment_method?: string
  /** ISO 4217 currency code. */
  readonly currency?: string
  /** Total gross pay. Integer amount in cents (minor currency units). */
  readonly gross_pay?: number
  /** Taxes withheld from members. Integer amount in cents (minor currency units). */
  readonly employee_taxes?: number
  /** Taxes owed by the employer. Integer amount in cents (minor currency units). */
  readonly employer_taxes?: number
  /** Total take-home pay. Integer amount in cents (minor currency units). */
  readonly net_pay?: number
  /** Total debited from the company. Integer amount in cents (minor currency units). */
  readonly company_debit?: number
}

/** A fee charged on a payroll run, usually per member. */
export type PayrollFee = {
  /** Member the fee relates to, if any. */
  readonly member_id?: string | null
  /** Identifier of the object the fee is attached to. */
  readonly reference_id?: string
  /** Kind of object `reference_id` points to, e.g. `payroll`. */
  readonly reference_type?: string
  /** Fee name. */
  readonly name?: string
  /** Fee category. */
  readonly type?: string
  /** Fee amount. Integer amount in cents (minor currency units). */
  readonly amount?: number
  /** ISO 4217 currency code. */
  readonly currency?: string
}

/** Totals of one member's paystub in a payroll run. Money fields are integer cents. */
export type PaystubSummary = {
  /** Paystub identifier; pass it to get_paystub. */
  readonly paystub_id: string
  /** Member who was paid. */
  readonly member_id: string
  /** Date of payment. */
  readonly pay_date?: string
  /** First day of the pay period. */
  readonly pay_period_start?: string
  /** Last day of the pay period. */
  readonly pay_period_end?: string
  /** Pay group the stub belongs to. */
  readonly pay_group?: string
  /** ISO 4217 currency code. */
  readonly currency?: string
  /** Gross pay. Integer amount in cents (minor currency units). */
  readonly gross_pay?: number
  /** Take-home pay. Integer amount in cents (minor currency units). */
  readonly net_pay?: number
}

/** A paystub with its line items. */
export type Paystub = {
  /** Paystub identifier; pass it to get_paystub. */
  readonly paystub_id: string
  /** Member who was paid. */
  readonly member_id: string
  /** Date of payment. */
  readonly pay_date?: string
  /** First day of the pay period. */
  readonly pay_period_start?: string
  /** Last day of the pay period. */
  readonly pay_period_end?: string
  /** Pay group the stub belongs to. */
  readonly pay_group?: string
  /** ISO 4217 currency code. */
  readonly currency?: string
  /** Gross pay. Integer amount in cents (minor currency units). */
  readonly gross_pay?: number
  /** Take-home pay. Integer amount in cents (minor currency units). */
  readonly net_pay?: number
  /** Earnings lines. */
  readonly earnings?: ReadonlyArray<PaystubLineItem>
  /** Taxes and deductions withheld from the member. */
  readonly employee_deductions?: ReadonlyArray<PaystubLineItem>
  /** Amounts the employer paid on top of gross pay. */
  readonly employer_contributions?: ReadonlyArray<PaystubLineItem>
}

/** A kind of deduction Justworks supports; its `code` is used when creating deductions. */
export type DeductionType = {
  /** Deduction type code (the identifier of the type). */
  readonly code: string
  /** What the type is for. */
  readonly description?: string
}

/** A recurring or one-time deduction from a member's pay. */
export type Deduction = {
  /** Deduction identifier. */
  readonly id: string
  /** Member the deduction applies to. */
  readonly member_id: string
  /** Code of the deduction type. */
  readonly deduction_type_code?: string
  readonly description?: DeductionDescription
  /** How `amount` is interpreted; `fixed` means an absolute amount in cents. */
  readonly amount_type?: string
  /** Deduction amount per occurrence. Integer amount in cents (minor currency units). */
  readonly amount?: number
  /** ISO 4217 currency code. */
  readonly currency?: string
  readonly frequency?: DeductionFrequency
  /** First pay date the deduction applies to. */
  readonly start_date?: string
  /** Last date the deduction applies to; `null` when open-ended. */
  readonly end_date?: string | null
}

/** Balance of one member under one policy. */
export type TimeOffBalance = {
  /** Member identifier. */
  readonly member_id: string
  /** Policy identifier. */
  readonly policy_id: string
  /** Unit of `available` and `used`, e.g. `hours` or `days`. */
  readonly unit_type?: string
  /** Time still available. */
  readonly available?: number
  /** Time already taken. */
  readonly used?: number
}

/** A time-off policy configured for the company. */
export type TimeOffPolicy = {
  /** Policy identifier. */
  readonly id: string
  /** Policy name. */
  readonly name: string
  /** Kind of time off, e.g. `vacation`, `sick`, `parental`. */
  readonly type?: string
  /** Policy status, e.g. `active` or `inactive`. */
  readonly status?: string
  /** Date the policy took effect. */
  readonly effective_date?: string
  /** Date the policy was switched off; `null` while active. */
  readonly deactivation_date?: string | null
}

/** A member's request for time off. */
export type TimeOffRequest = {
  /** Request identifier. */
  readonly id: string
  /** Member who asked for time off. */
  readonly member_id: string
  /** Policy the time is taken under. */
  readonly policy_id?: string
  /** Request status, e.g. `pending`, `approved`, `denied`, `canceled`. */
  readonly status?: string
  /** Unit of `amount`, e.g. `hours` or `days`. */
  readonly unit_type?: string
  /** Amount of time requested. */
  readonly amount?: number
  /** First day off. */
  readonly start_date?: string
  /** Last day off. */
  readonly end_date?: string
  /** Note left by the member. */
  readonly notes?: string | null
  /** When the request was made. */
  readonly created_at?: string
  /** When the request last changed. */
  readonly updated_at?: string
}

/** A webhook subscription of the partner installation. */
export type Webhook = {
  /** Webhook identifier. */
  readonly id: string
  /** Endpoint events are delivered to. */
  readonly url?: string
  /** `closed` after repeated delivery failures; resume it to start delivery again. */
  readonly status: "opened" | "closed"
  /** Events the webhook receives. */
  readonly event_types?: ReadonlyArray<WebhookEventType>
}

/** One page of company custom fields. */
export type CustomFieldPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<CustomFieldDefinition>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of jurisdictions. */
export type JurisdictionPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<Jurisdiction>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of members. */
export type MemberPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<Member>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of a member's custom field values. */
export type CustomFieldValuePage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<CustomFieldValue>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** Tax identifier of a member, keyed by country. */
export type MemberTaxId = {
  /** United States identifiers. */
  readonly US?: {
    /** Social Security number. */
    readonly ssn?: string
  }
}

/** One page of payroll runs. */
export type PayrollPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<Payroll>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of payroll fees. */
export type PayrollFeePage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<PayrollFee>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of per-member paystub totals from one payroll run. */
export type PaystubSummaryPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<PaystubSummary>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of deduction types. */
export type DeductionTypePage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<DeductionType>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of deductions. */
export type DeductionPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<Deduction>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One deduction to create. */
export type DeductionCreate = {
  /** Idempotency key chosen by the caller for this item; repeating a request with the same key must not create a second deduction. */
  readonly operation_id: string
  /** Member to deduct from. */
  readonly member_id: string
  /** Code from the deduction type list. */
  readonly deduction_type_code: string
  readonly description?: DeductionDescription
  /** How `amount` is interpreted; `fixed` means an absolute amount in cents. */
  readonly amount_type: string
  /** Amount per occurrence, in cents. */
  readonly amount: number
  /** ISO 4217 currency code. */
  readonly currency: string
  readonly frequency: DeductionFrequency
  /** First pay date the deduction applies to. */
  readonly start_date: string
  /** Last applicable date; `null` or absent for open-ended deductions. */
  readonly end_date?: string | null
}

/** Per-item results of a batch write, in request order. */
export type DeductionWriteResult = {
  readonly items: ReadonlyArray<DeductionWriteResultItem>
}

/** Changes to one existing deduction; fields left out keep their value. */
export type DeductionUpdate = {
  /** Deduction to change. */
  readonly deduction_id: string
  /** New deduction type code. */
  readonly deduction_type_code?: string
  readonly description?: DeductionDescription
  /** How `amount` is interpreted. */
  readonly amount_type?: string
  /** New amount per occurrence, in cents. */
  readonly amount?: number
  /** ISO 4217 currency code. */
  readonly currency?: string
  readonly frequency?: DeductionFrequency
  /** New start date. */
  readonly start_date?: string
  /** New end date; `null` makes it open-ended. */
  readonly end_date?: string | null
}

/** Handle of a newly requested balance report. */
export type TimeOffBalancesReportCreated = {
  /** Report identifier; poll get_time_off_balances_report with it. */
  readonly report_id: string
  readonly status: TimeOffReportStatus
}

/** State of a balance report. `items` and `next_cursor` are present once `status` is `ready`. */
export type TimeOffBalancesReport = {
  /** Report identifier. */
  readonly report_id?: string
  readonly status: TimeOffReportStatus
  /** Extra information, e.g. the reason for a failure. */
  readonly message?: string | null
  /** Balances (only when ready). */
  readonly items?: ReadonlyArray<TimeOffBalance>
  /** Token for the next page of balances; `null` on the last page. */
  readonly next_cursor?: string | null
}

/** One page of time-off policies. */
export type TimeOffPolicyPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<TimeOffPolicy>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of time-off requests. */
export type TimeOffRequestPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<TimeOffRequest>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** One page of webhooks. */
export type WebhookPage = {
  /** Records on this page, possibly none. */
  readonly items: ReadonlyArray<Webhook>
  /** Opaque token for fetching the following page via the `cursor` query parameter; `null` once there is nothing left to read. */
  readonly next_cursor: string | null
}

/** Postal address. */
export type Address = {
  /** Kind of address, e.g. `home`, `mailing`, `office`. */
  readonly type?: string | null
  /** First street line. */
  readonly line1?: string
  /** Second street line, if any. */
  readonly line2?: string | null
  /** City or locality. */
  readonly city?: string
  /** State, province or region code. */
  readonly state?: string
  /** Postal or ZIP code. */
  readonly postal_code?: string
  /** ISO 3166-1 alpha-2 country code. */
  readonly country?: string
}

/** Phone number. */
export type Phone = {
  /** Phone number, E.164 formatted where available. */
  readonly number: string
  /** Kind of number, e.g. `mobile`, `home`, `work`, `main`. */
  readonly type?: string | null
}

/** Name parts of a member. */
export type MemberName = {
  /** Legal first name. */
  readonly given_name?: string
  /** Legal last name. */
  readonly family_name?: string
  /** First name the member prefers, if set. */
  readonly preferred_name?: string | null
  /** Full name built from the preferred first name. */
  readonly full_preferred_name?: string
  /** Middle or other additional names. */
  readonly additional_names?: ReadonlyArray<string>
}

/** Email address of a member. */
export type Email = {
  /** The email address. */
  readonly address: string
  /** Kind of address, e.g. `work` or `personal`. */
  readonly type?: string | null
  /** Whether this is the member's main address. */
  readonly primary?: boolean
}

/** One period of employment with the company. */
export type EmploymentRecord = {
  /** Status of this employment period, e.g. `active`, `ended`, `terminated`. */
  readonly status?: string
  /** Kind of employment, e.g. `full_time`, `part_time`, `contractor`. */
  readonly employment_type?: string
  /** Title held during this period. */
  readonly job_title?: string | null
  /** First day of the period. */
  readonly start_date?: string
  /** Last day of the period; `null` while ongoing. */
  readonly end_date?: string | null
}

/** A compensation rate effective over a date range. */
export type PayRecord = {
  /** How pay is expressed: `salary` (amount per year) or `hourly` (amount per hour). */
  readonly basis?: string
  /** Pay rate for the basis. Integer amount in cents (minor currency units). */
  readonly amount?: number
  /** ISO 4217 currency code. */
  readonly currency?: string
  /** Date the rate took effect. */
  readonly effective_date?: string
  /** Last day the rate applied; `null` for the current rate. */
  readonly end_date?: string | null
}

/** One earning, deduction or contribution line on a paystub. */
export type PaystubLineItem = {
  /** Line label. */
  readonly name?: string
  /** Specific kind of line. */
  readonly type?: string
  /** Broad grouping, e.g. `earning`, `tax`, `benefit`. */
  readonly category?: string
  /** Line amount. Integer amount in cents (minor currency units). */
  readonly amount?: number
  /** ISO 4217 currency code. */
  readonly currency?: string
}

/** Free-text label of the deduction (max 255 characters). */
export type DeductionDescription = string

/** Whether the deduction is taken once or on every paycheck. */
export type DeductionFrequency = "one_time" | "every_paycheck"

/** Event kinds Justworks can deliver. */
export type WebhookEventType = "member.profile.created" | "member.profile.updated" | "member.employment_state.termination_scheduled" | "member.employment_state.termination_canceled" | "department.created" | "department.updated" | "department.deleted"

/** Outcome for one item of a batch write. A batch can partly succeed. */
export type DeductionWriteResultItem = {
  /** Identifier of the affected deduction; `null` when creation failed. */
  readonly deduction_id?: string | null
  /** Member the item concerned. */
  readonly member_id?: string | null
  /** Echo of the caller's idempotency key (create batches only). */
  readonly operation_id?: string | null
  /** Whether this item was applied. */
  readonly success: boolean
  /** Why the item failed; `null` on success. */
  readonly error_message?: string | null
}

/** `pending` while the report is being built, `ready` once balances are available, `failed` if it could not be produced. */
export type TimeOffReportStatus = "pending" | "ready" | "failed"
