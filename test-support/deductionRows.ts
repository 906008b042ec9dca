/** Rows of deductions to create for members of a mock company: valid, distinct, spread over its active members. */
import type { MockServer } from "../mocks/startMockServer.js"

const CODES = ["EQUIPMENT", "LOAN_REPAYMENT", "CHARITY", "TRANSIT", "GYM", "UNION_DUES", "OTHER"]

export const activeMemberIds = (mock: Pick<MockServer, "store">): Array<string> => {
  const ids: Array<string> = []
  for (let i = 0; i < mock.store.memberCount; i++) if (mock.store.member(i)?.["active"] === true) ids.push(mock.store.memberId(i))
  return ids
}

/** `count` rows without operation_id (the connector derives it), each different; `label` starts their descriptions. */
export const deductionRows = (mock: Pick<MockServer, "store">, count: number, label = "Installment"): Array<Record<string, unknown>> => {
  const members = activeMemberIds(mock)
  return Array.from({ length: count }, (_, k) => ({
    member_id: members[k % members.length],
    deduction_type_code: CODES[k % CODES.length],
    description: `${label} ${k + 1}`,
    amount_type: "fixed",
    amount: 1_000 + k,
    currency: "USD",
    frequency: k % 5 === 0 ? "one_time" : "every_paycheck",
    start_date: "2026-12-04",
    ...(k % 3 === 0 ? { end_date: "2027-06-30" } : {})
  }))
}

/** The same rows as JSON Lines. */
export const jsonLines = (rows: ReadonlyArray<unknown>): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n"
