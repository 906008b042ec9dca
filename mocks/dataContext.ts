/** The parameters every generator of the seeded company shares. */
import { DAY_SECONDS } from "./calendar.js"
import { type IdCodec, makeIdCodec } from "./idCodec.js"

export interface DataContext {
  readonly seed: number
  readonly ids: IdCodec
  readonly memberCount: number
  /** "Today" of the data set (UTC day number); histories end here and payrolls are paid up to it. */
  readonly anchorDay: number
  readonly anchorSec: number
  /** How many months of semi-monthly payrolls exist before the anchor. */
  readonly payrollMonths: number
  /** Time-off requests per member (on average) over the two-year window. */
  readonly timeOffRequestsPerMember: number
}

export const makeDataContext = (options: {
  readonly seed: number
  readonly memberCount: number
  readonly anchorDay: number
  readonly payrollMonths: number
  readonly timeOffRequestsPerMember: number
}): DataContext => ({
  seed: options.seed,
  ids: makeIdCodec(options.seed),
  memberCount: options.memberCount,
  anchorDay: options.anchorDay,
  anchorSec: options.anchorDay * DAY_SECONDS,
  payrollMonths: options.payrollMonths,
  timeOffRequestsPerMember: options.timeOffRequestsPerMember
})
