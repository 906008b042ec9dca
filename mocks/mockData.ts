/** The whole seeded company, wired together; every part computes records on demand. */
import { type Company, makeCompany } from "./company.js"
import { type DataContext, makeDataContext } from "./dataContext.js"
import { type Deductions, makeDeductions } from "./deductions.js"
import { makeMembers, type Members } from "./members.js"
import { makePayrolls, type Payrolls } from "./payrolls.js"
import { makeTimeOff, type TimeOff } from "./timeOff.js"
import { makeWebhooks, type Webhooks } from "./webhooks.js"

export interface MockData {
  readonly ctx: DataContext
  readonly company: Company
  readonly members: Members
  readonly deductions: Deductions
  readonly payrolls: Payrolls
  readonly timeOff: TimeOff
  readonly webhooks: Webhooks
}

/** The most members a mock company can have. */
export const MAX_MOCK_MEMBERS = 10_000_000

export const makeMockData = (options: Parameters<typeof makeDataContext>[0]): MockData => {
  if (!Number.isInteger(options.memberCount) || options.memberCount < 1 || options.memberCount > MAX_MOCK_MEMBERS) {
    throw new Error(`members must be an integer between 1 and ${MAX_MOCK_MEMBERS.toLocaleString("en-US")}, got ${options.memberCount}`)
  }
  const ctx = makeDataContext(options)
  const company = makeCompany(ctx)
  const members = makeMembers(ctx, company)
  const deductions = makeDeductions(ctx, company, members)
  const payrolls = makePayrolls(ctx, members, deductions)
  const timeOff = makeTimeOff(ctx, members)
  const webhooks = makeWebhooks(ctx)
  return { ctx, company, members, deductions, payrolls, timeOff, webhooks }
}
