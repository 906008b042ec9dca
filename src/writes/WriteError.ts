import { Schema } from "effect"

/**
 * Why a batch write did not start or could not keep its journal:
 * - `NotBatch`: the action does not write rows in batches
 * - `InvalidRows`: rows failed validation and `partial` was not asked for: nothing was sent
 * - `Journal`: the write journal could not be opened, read or written
 */
export class WriteError extends Schema.TaggedError<WriteError>()("WriteError", {
  reason: Schema.Literal("NotBatch", "InvalidRows", "Journal"),
  action: Schema.optional(Schema.String),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}
