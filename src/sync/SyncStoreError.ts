import { Schema } from "effect"

/**
 * Why the sync database failed:
 * - `Unavailable`: it could not be opened, read or written
 * - `Incompatible`: a stream's table exists with other key columns than the stream's primary key
 * - `Corrupt`: a saved state is not what this version writes
 */
export class SyncStoreError extends Schema.TaggedError<SyncStoreError>()("SyncStoreError", {
  reason: Schema.Literal("Unavailable", "Incompatible", "Corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}
