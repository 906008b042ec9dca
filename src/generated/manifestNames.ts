// Generated from connector.yaml by `npm run gen:schema`; a test fails when it is stale.

/** A stream of connector.yaml. */
export type StreamName =
  | "company"
  | "departments"
  | "offices"
  | "company_bank_account"
  | "company_business_info"
  | "company_custom_fields"
  | "company_jurisdictions"
  | "members"
  | "member_custom_field_values"
  | "payrolls"
  | "payroll_fees"
  | "paystubs"
  | "paystub_details"
  | "deduction_types"
  | "deductions"
  | "time_off_balances"
  | "time_off_policies"
  | "time_off_requests"
  | "webhooks"

/** An action of connector.yaml. */
export type ActionId =
  | "get_company"
  | "get_company_bank_account"
  | "get_company_business_info"
  | "list_company_custom_fields"
  | "list_company_jurisdictions"
  | "list_members"
  | "get_member"
  | "list_member_custom_field_values"
  | "get_member_tax_id"
  | "list_payrolls"
  | "list_payroll_fees"
  | "list_payroll_paystubs"
  | "get_paystub"
  | "list_deduction_types"
  | "list_deductions"
  | "create_deductions"
  | "update_deductions"
  | "cancel_deductions"
  | "create_time_off_balances_report"
  | "get_time_off_balances_report"
  | "list_time_off_policies"
  | "list_time_off_requests"
  | "list_webhooks"
  | "resume_webhook"
  | "simulate_webhook"

export const streamNames: ReadonlyArray<StreamName> = ["company","departments","offices","company_bank_account","company_business_info","company_custom_fields","company_jurisdictions","members","member_custom_field_values","payrolls","payroll_fees","paystubs","paystub_details","deduction_types","deductions","time_off_balances","time_off_policies","time_off_requests","webhooks"]

export const actionIds: ReadonlyArray<ActionId> = ["get_company","get_company_bank_account","get_company_business_info","list_company_custom_fields","list_company_jurisdictions","list_members","get_member","list_member_custom_field_values","get_member_tax_id","list_payrolls","list_payroll_fees","list_payroll_paystubs","get_paystub","list_deduction_types","list_deductions","create_deductions","update_deductions","cancel_deductions","create_time_off_balances_report","get_time_off_balances_report","list_time_off_policies","list_time_off_requests","list_webhooks","resume_webhook","simulate_webhook"]
