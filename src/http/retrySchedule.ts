/**
 * The retry policy of the manifest as a `Schedule`: exponential backoff (capped, optionally jittered) for
 * the error kinds the policy names, at least as long as a `Retry-After` asks, a bounded number of attempts
 * and a bounded total wait. Anything else fails at once.
 */
import { Duration, Effect, Schedule } from "effect"
import type { RetryPolicy } from "../manifest/Manifest.js"
import { ApiError } from "./ApiError.js"

/**
 * Whether the policy retries this error. A request that is not `repeatable` (a POST that creates something) is
 * sent again only when the API certainly did not process it: rate limited, or no connection made.
 */
export const isRetryable = (policy: RetryPolicy, error: ApiError, repeatable = true): boolean => {
  if (!repeatable && error.reason !== "RateLimited" && !(error.reason === "Transport" && error.unsent === true)) return false
  switch (error.reason) {
    case "RateLimited":
      return policy.retry_on.includes("rate_limited") &&
        !(error.retryAfter !== undefined && Duration.greaterThan(error.retryAfter, policy.max_total_wait))
    case "Server":
      return policy.retry_on.includes("server_error")
    case "Transport":
      return policy.retry_on.includes(error.timedOut === true ? "timeout" : "transport")
    default:
      return false
  }
}

/** Retries `ApiError`s the policy names; any other error (e.g. a dead refresh token) stops it. */
export const retrySchedule = (policy: RetryPolicy, repeatable = true): Schedule.Schedule<unknown, unknown> => {
  const capped = Schedule.exponential(policy.base_delay, 2).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.max_delay))
  )
  const backoff = policy.jitter ? Schedule.jittered(capped) : capped
  return Schedule.identity<unknown>().pipe(
    Schedule.whileInput((error: unknown) => error instanceof ApiError && isRetryable(policy, error, repeatable)),
    Schedule.map((error) => error as ApiError),
    Schedule.intersect(backoff),
    Schedule.intersect(Schedule.recurs(policy.max_attempts - 1)),
    Schedule.modifyDelay(([[error]], delay) =>
      policy.respect_retry_after && error.retryAfter !== undefined ? Duration.max(delay, error.retryAfter) : delay
    ),
    Schedule.upTo(policy.max_total_wait),
    Schedule.tapOutput(([[error], attempt]) =>
      Effect.logDebug(`retrying ${error.endpoint} after ${error.reason} error`).pipe(
        Effect.annotateLogs({ endpoint: error.endpoint, attempt: attempt + 1, detail: error.detail })
      )
    )
  )
}
