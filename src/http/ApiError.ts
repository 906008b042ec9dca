import { Duration, Schema } from "effect"

/**
 * What can go wrong calling an endpoint of the Partner API. Retryable: `RateLimited`, `Server`,
 * `Transport` (connection reset, timeout, unreadable body); a request that is not `repeatable` (a POST or
 * PATCH) only after `RateLimited` or an `unsent` transport failure. The rest fail at once, `ResponseLimit`
 * too: a response past a bound of `defaults.requester` (too large, too slow as a whole, nested too deep) would
 * be so again.
 */
export const ApiErrorReason = Schema.Literal(
  "Authentication",
  "MissingScope",
  "NotFound",
  "InvalidRequest",
  "RateLimited",
  "Server",
  "Transport",
  "Decode",
  "ResponseLimit"
)
export type ApiErrorReason = typeof ApiErrorReason.Type

export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", {
  reason: ApiErrorReason,
  /** the manifest endpoint (spec operationId) that was called */
  endpoint: Schema.String,
  /** e.g. "GET /v1/members" */
  request: Schema.String,
  status: Schema.optional(Schema.Number),
  detail: Schema.String,
  /** for `Transport`: the request timed out (rather than the connection failing) */
  timedOut: Schema.optional(Schema.Boolean),
  /** for `Transport`: no connection was made, so the API never saw the request */
  unsent: Schema.optional(Schema.Boolean),
  /** for `RateLimited`: how long the API asked to wait */
  retryAfter: Schema.optional(Schema.DurationFromSelf),
  /** for `MissingScope`: the scopes the endpoint needs, and the presets that grant them */
  requiredScopes: Schema.optional(Schema.Array(Schema.String)),
  presets: Schema.optional(Schema.Array(Schema.String))
}) {
  /** the kind of failure a retry can cure (whether a given request may be repeated is the endpoint's `repeatable`) */
  get retryable(): boolean {
    return this.reason === "RateLimited" || this.reason === "Server" || this.reason === "Transport"
  }

  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    switch (this.reason) {
      case "MissingScope":
        return `${this.endpoint}: the connection lacks scope ${this.requiredScopes?.join(" + ") ?? "?"}${status}; ` +
          (this.presets && this.presets.length > 0
            ? `reconnect with the preset ${this.presets.join(" or ")} selected`
            : "reconnect with that scope granted")
      case "RateLimited":
        return `${this.endpoint}: rate limited${status}${this.retryAfter ? `, retry after ${Duration.format(this.retryAfter)}` : ""}: ${this.detail}`
      case "ResponseLimit":
        return `${this.endpoint}: response to ${this.request} refused${status}: ${this.detail}`
      default:
        return `${this.endpoint}: ${this.reason} error${status} on ${this.request}: ${this.detail}`
    }
  }
}
