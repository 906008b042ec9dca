import { Schema } from "effect"

/**
 * A stream that cannot be read to the end, for a reason of its own (HTTP failures are `ApiError`s):
 * - `RepeatedCursor`: the API sent a cursor it had sent before — following it would loop forever
 * - `PageLimit`: more pages than the paginator's `max_pages`
 * - `InvalidRecord`: a record does not match the stream's schema (names the record key and field path)
 * - `UnexpectedResponse`: the response has no records where the manifest's selector points
 * - `ReportFailed` / `ReportTimeout`: an asynchronous report failed, or was not ready in time
 */
export class ReadError extends Schema.TaggedError<ReadError>()("ReadError", {
  reason: Schema.Literal("RepeatedCursor", "PageLimit", "InvalidRecord", "UnexpectedResponse", "ReportFailed", "ReportTimeout"),
  stream: Schema.String,
  endpoint: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `stream ${this.stream} (${this.endpoint}): ${this.detail}`
  }
}
