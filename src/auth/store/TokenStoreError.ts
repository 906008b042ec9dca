import { Schema } from "effect"

/**
 * Why the token store failed:
 * - `WrongKey`: the store was written with a different encryption key (or the key is unusable)
 * - `Corrupt`: stored data could not be decrypted or does not have the expected shape
 * - `Unavailable`: the store could not be opened, read or written
 */
export const TokenStoreErrorReason = Schema.Literal("WrongKey", "Corrupt", "Unavailable")
export type TokenStoreErrorReason = typeof TokenStoreErrorReason.Type

/** A token store failure. The message never contains token values. */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>()("TokenStoreError", {
  reason: TokenStoreErrorReason,
  message: Schema.String,
  /** the underlying failure (e.g. an `SqlError`), for diagnostics; never holds token values */
  cause: Schema.optional(Schema.Defect)
}) {}
