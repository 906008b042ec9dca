/**
 * The retry policy of the manifest as a `Schedule`: exponential backoff (capped, optionally jittered) for
 * the failures the policy names, at least as long as a `Retry-After` asks, a bounded number of attempts
 * and a bounded total wait. Anything else fails at once. API calls and the token endpoint share it, each
 * saying which of the policy's conditions a failure of theirs is.
 */
import { Duration, Effect, Schedule } from "effect"
import type { RetryCondition, RetryPolicy } from "../manifest/Manifest.js"

/** A failure as the retry policy sees it. */
export interface PolicyFailure {
  readonly condition: RetryCondition
  /** how long the server asked to wait (a 429's Retry-After) */
  readonly retryAfter?: Duration.Duration | undefined
  /** what failed and how, for the debug log */
  readonly target: string
  readonly reason: string
  readonly detail: string
}

/** Whether the policy retries a failure: its condition is listed, and a Retry-After fits the total wait. */
export const covered = (policy: RetryPolicy, failure: PolicyFailure): boolean =>
  policy.retry_on.includes(failure.condition) &&
  !(failure.condition === "rate_limited" && failure.retryAfter !== undefined && Duration.greaterThan(failure.retryAfter, policy.max_total_wait))

/** An error whose reason names what failed the way `ApiError` and `TokenEndpointError` do. */
export interface ClassifiedError {
  readonly reason: string
  readonly detail: string
  readonly timedOut?: boolean | undefined
  readonly retryAfter?: Duration.Duration | undefined
}

/**
 * An error as the retry policy sees it: rate limited, a server error, a lost connection or a timeout; undefined
 * for the reasons no retry cures. `target` names what failed in the debug log.
 */
export const policyFailure = (error: ClassifiedError, target: string): PolicyFailure | undefined => {
  const condition: RetryCondition | undefined = error.reason === "RateLimited"
    ? "rate_limited"
    : error.reason === "Server"
    ? "server_error"
    : error.reason === "Transport"
    ? (error.timedOut === true ? "timeout" : "transport")
    : undefined
  return condition === undefined ? undefined : { condition, retryAfter: error.retryAfter, target, reason: error.reason, detail: error.detail }
}

/** A `Retry-After` header's wait: seconds, or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Duration.seconds(Number(value.trim()))
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Duration.millis(Math.max(0, at - now))
}

/** Retries the errors `classify` places under a condition of the policy; any other error stops it. */
export const policySchedule = <E>(
  policy: RetryPolicy,
  classify: (error: E) => PolicyFailure | undefined
): Schedule.Schedule<unknown, E> => {
  const capped = Schedule.exponential(policy.base_delay, 2).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.max_delay))
  )
  const backoff = policy.jitter ? Schedule.jittered(capped) : capped
  const retried = (failure: PolicyFailure | undefined): failure is PolicyFailure => failure !== undefined && covered(policy, failure)
  // every step's output is looked at, the last one (no retry) too
  return Schedule.identity<E>().pipe(
    Schedule.map(classify),
    Schedule.whileOutput(retried),
    Schedule.intersect(backoff),
    Schedule.intersect(Schedule.recurs(policy.max_attempts - 1)),
    Schedule.modifyDelay(([[failure]], delay) =>
      policy.respect_retry_after && failure?.retryAfter !== undefined ? Duration.max(delay, failure.retryAfter) : delay
    ),
    Schedule.upTo(policy.max_total_wait),
    Schedule.tapOutput(([[failure], attempt]) =>
      retried(failure)
        ? Effect.logDebug(`retrying ${failure.target} after ${failure.reason} error`).pipe(
          Effect.annotateLogs({ endpoint: failure.target, attempt: attempt + 1, detail: failure.detail })
        )
        : Effect.void
    )
  )
}

