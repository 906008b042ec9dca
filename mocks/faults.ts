/**
 * Fault plans: which requests the mock answers badly, and how. Each rule counts the requests it applies to
 * (by default every API request, i.e. anything but `/oauth/*` and `/v1/oauth/*`; with `path`/`method`
 * only those) from the moment the plan was set, and fires either on the listed 1-based request numbers
 * (`at`) or with probability `rate` drawn from its own seeded PRNG (reproducible run to run). When several
 * rules fire on one request, the first one in the plan wins.
 */
import { hash32, seededRandom, type SeededRandom } from "./seededRandom.js"

export type FaultKind = "rate_limit" | "server_error" | "reset" | "slow" | "truncate" | "repeat_cursor" | "apply_then_reset" | "patch"

export interface FaultMatch {
  /** Path prefix (string) or pattern (RegExp) the rule applies to; may target the OAuth endpoints too. */
  readonly path?: string | RegExp
  /** HTTP method the rule applies to (case-insensitive). */
  readonly method?: string
}

export type FaultTrigger =
  /** Fire on these 1-based request numbers (counted over the requests the rule applies to). */
  | { readonly at: ReadonlyArray<number>; readonly rate?: never; readonly seed?: never }
  /** Fire with this probability (0..1), drawn from a PRNG seeded by `seed` (default: derived from the server seed and the rule's position). */
  | { readonly rate: number; readonly seed?: number; readonly at?: never }

export interface RetryAfter {
  readonly seconds: number
  /** Send an HTTP-date (server clock + seconds) instead of a number of seconds. */
  readonly date?: boolean
}

export type FaultEffect =
  /** 429 with Retry-After (default 1 second) and the spec's error body. */
  | { readonly kind: "rate_limit"; readonly retryAfter?: RetryAfter }
  /** 500/502/503 (default 503) with the spec's error body, optionally with Retry-After. */
  | { readonly kind: "server_error"; readonly status?: 500 | 502 | 503; readonly retryAfter?: RetryAfter }
  /** Destroy the connection without answering; the request is not applied. */
  | { readonly kind: "reset" }
  /** Answer normally after `delayMs`. */
  | { readonly kind: "slow"; readonly delayMs: number }
  /** 200 with the JSON body cut in the middle (Content-Length of the cut body). */
  | { readonly kind: "truncate" }
  /** On a paginated list, `next_cursor` is the cursor that was sent (or a first-page cursor). */
  | { readonly kind: "repeat_cursor" }
  /** Apply the request, then destroy the connection without answering. */
  | { readonly kind: "apply_then_reset" }
  /**
   * Answer normally with fields of one record set to other values (a value the API's description does not
   * allow, say): the `item`-th of the body's `items` (default the first), or the body itself when it has none.
   */
  | { readonly kind: "patch"; readonly set: Readonly<Record<string, unknown>>; readonly item?: number }

export type FaultRule = FaultEffect & FaultTrigger & FaultMatch

export type FaultPlan = ReadonlyArray<FaultRule>

export interface FaultInjector {
  readonly setPlan: (plan: FaultPlan) => void
  readonly plan: () => FaultPlan
  /** Count the request against every rule and return the rule that fires, if any. */
  readonly decide: (method: string, path: string) => FaultRule | undefined
}

export const isOAuthPath = (path: string) => path.startsWith("/oauth/") || path.startsWith("/v1/oauth/")

const matches = (rule: FaultMatch, method: string, path: string) => {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false
  if (rule.path === undefined) return !isOAuthPath(path)
  if (typeof rule.path === "string") return path.startsWith(rule.path)
  rule.path.lastIndex = 0
  return rule.path.test(path)
}

const checkRule = (rule: FaultRule, index: number) => {
  const where = `fault rule ${index} (${String(rule.kind)})`
  const hasAt = rule.at !== undefined
  const hasRate = rule.rate !== undefined
  if (hasAt === hasRate) throw new Error(`${where}: give exactly one of at or rate`)
  if (hasRate && !(typeof rule.rate === "number" && rule.rate >= 0 && rule.rate <= 1)) throw new Error(`${where}: rate must be within 0..1`)
  if (hasAt && !(rule.at ?? []).every((k) => Number.isInteger(k) && k >= 1)) throw new Error(`${where}: at lists 1-based request numbers`)
  if (rule.kind === "slow" && !(rule.delayMs >= 0)) throw new Error(`${where}: slow needs delayMs`)
  if (rule.kind === "patch" && (typeof rule.set !== "object" || rule.set === null)) throw new Error(`${where}: patch needs set`)
  if (!["rate_limit", "server_error", "reset", "slow", "truncate", "repeat_cursor", "apply_then_reset", "patch"].includes(rule.kind)) {
    throw new Error(`${where}: unknown kind`)
  }
}

export const makeFaultInjector = (serverSeed: number, initial: FaultPlan = []): FaultInjector => {
  let rules: Array<{ rule: FaultRule; count: number; random: SeededRandom | undefined; at: ReadonlySet<number> }> = []
  let current: FaultPlan = []
  const setPlan = (plan: FaultPlan) => {
    plan.forEach(checkRule)
    current = plan
    rules = plan.map((rule, index) => ({
      rule,
      count: 0,
      random: rule.rate !== undefined ? seededRandom(rule.seed ?? hash32(serverSeed, 0xfa017, index)) : undefined,
      at: new Set(rule.at ?? [])
    }))
  }
  const decide = (method: string, path: string) => {
    let fired: FaultRule | undefined
    for (const entry of rules) {
      if (!matches(entry.rule, method, path)) continue
      entry.count += 1
      const fires = entry.random !== undefined ? entry.random.next() < (entry.rule.rate ?? 0) : entry.at.has(entry.count)
      if (fires && fired === undefined) fired = entry.rule
    }
    return fired
  }
  setPlan(initial)
  return { setPlan, plan: () => current, decide }
}
