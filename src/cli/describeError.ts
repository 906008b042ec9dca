/**
 * Every failure a command can end with, as one line for a human and an Airbyte `failure_type`: the user's
 * configuration (config_error), something worth retrying (transient_error), or the connector (system_error).
 * Messages of the connector's errors never hold secrets (and pass through the redaction of printed text); anything
 * else is reported by its tag alone.
 */
import { Predicate } from "effect"
import { redactText } from "../redaction/redact.js"

export interface DescribedError {
  readonly message: string
  readonly failureType: "config_error" | "transient_error" | "system_error"
}

const firstLine = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "").join("; ")

type Tagged = { readonly _tag: string; readonly message: string; readonly reason?: unknown }

const isTagged = (u: unknown): u is Tagged =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && Predicate.hasProperty(u, "message") &&
  typeof u.message === "string"

export const describeError = (error: unknown): DescribedError => {
  if (!isTagged(error)) {
    return { message: "unexpected failure (a defect of justworks-connector; please report it)", failureType: "system_error" }
  }
  // an API may echo what it was sent (a token, a tax id): the message as it may be printed
  const message = redactText(firstLine(error.message))
  const reason = error.reason
  switch (error._tag) {
    case "InputError":
    case "UsageError":
    case "ManifestError":
    case "UnknownSelection":
    case "ReconnectRequired":
    case "AuthorizationFailed":
    case "InsecureConnection":
      return { message, failureType: "config_error" }
    case "TokenEndpointError":
      return { message, failureType: reason === "Transport" || reason === "RateLimited" || reason === "Server" ? "transient_error" : "config_error" }
    case "ActionError":
      return { message, failureType: reason === "InvalidResponse" ? "system_error" : "config_error" }
    case "WriteError":
      return { message, failureType: reason === "Journal" ? "system_error" : "config_error" }
    case "TokenStoreError":
      return { message, failureType: reason === "WrongKey" ? "config_error" : "system_error" }
    case "ApiError":
      return {
        message,
        failureType: reason === "Authentication" || reason === "MissingScope"
          ? "config_error"
          : reason === "RateLimited" || reason === "Server" || reason === "Transport"
          ? "transient_error"
          : "system_error"
      }
    default:
      return { message, failureType: "system_error" }
  }
}
