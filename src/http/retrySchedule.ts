/**
 * The retry policy of the manifest for API calls: the `ApiError`s it names are retried under its schedule
 * (`net/retryPolicy.ts`, which the token endpoint shares); a request that is not repeatable only when the API
 * certainly did not process it.
 */
import type { Schedule } from "effect"
import type { RetryPolicy } from "../manifest/Manifest.js"
import { covered, policyFailure, policySchedule } from "../net/retryPolicy.js"
import { ApiError } from "./ApiError.js"

/**
 * Whether the policy retries this error. A request that is not `repeatable` (a POST that creates something) is
 * sent again only when the API certainly did not process it: rate limited, or no connection made.
 */
export const isRetryable = (policy: RetryPolicy, error: ApiError, repeatable = true): boolean => {
  if (!repeatable && error.reason !== "RateLimited" && !(error.reason === "Transport" && error.unsent === true)) return false
  const failure = policyFailure(error, error.endpoint)
  return failure !== undefined && covered(policy, failure)
}

/** Retries `ApiError`s the policy names; any other error (e.g. a dead refresh token) stops it. */
export const retrySchedule = (policy: RetryPolicy, repeatable = true): Schedule.Schedule<unknown, unknown> =>
  policySchedule<unknown>(policy, (error) =>
    error instanceof ApiError && isRetryable(policy, error, repeatable) ? policyFailure(error, error.endpoint) : undefined
  )
