/** Effect's logs as plain `level: message key=value` lines on stderr (the human commands keep stdout for results). */
import { Cause, Logger } from "effect"
import { redactText } from "../redaction/redact.js"

/** A log message's text: its parts, then its annotations as key=value; redacted as printed text is. */
export const logText = (options: Logger.Logger.Options<unknown>): string => {
  const parts = Array.isArray(options.message) ? options.message : [options.message]
  const text = parts.map((p) => (typeof p === "string" ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(" ")
  const annotations = [...options.annotations].map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
  const squashed = Cause.isEmpty(options.cause) ? undefined : Cause.squash(options.cause)
  const cause = squashed === undefined ? [] : [squashed instanceof Error ? squashed.message : "failure"]
  return redactText([text, ...annotations, ...cause].join(" "))
}

export const stderrLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make((options) => {
    process.stderr.write(`${options.logLevel.label.toLowerCase()}: ${logText(options)}\n`)
  })
)
