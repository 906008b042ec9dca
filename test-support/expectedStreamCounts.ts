/** How many records each stream of connector.yaml must yield from a stateful mock, from its store's counts. */
import type { MockStoreCounts } from "../mocks/mockStore.js"

export const expectedStreamCounts = (counts: MockStoreCounts): Record<string, number> => ({
  company: 1,
  departments: counts.departments,
  offices: counts.offices,
  company_bank_account: 1,
  company_business_info: 1,
  company_custom_fields: counts.companyCustomFields,
  company_jurisdictions: counts.companyJurisdictions,
  members: counts.members,
  member_custom_field_values: counts.memberCustomFieldValues,
  payrolls: counts.payrolls,
  payroll_fees: counts.payrollFees,
  paystubs: counts.paystubs,
  paystub_details: counts.paystubs,
  deduction_types: counts.deductionTypes,
  deductions: counts.deductions,
  // one balance report per active member and active policy
  time_off_balances: counts.activeMembers * counts.activeTimeOffPolicies,
  time_off_policies: counts.timeOffPolicies,
  time_off_requests: counts.timeOffRequests,
  webhooks: counts.webhooks
})
