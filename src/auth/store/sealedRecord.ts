/**
 * A connection's record as token stores keep it: the whole record (`Schema.encode(StoredConnection)` as
 * JSON) encrypted by the store's cipher. Shared by the SQLite and PostgreSQL stores; errors name the
 * connection and the store, never a token.
 */
import { Effect, ParseResult, Schema } from "effect"
import { StoredConnection } from "./StoredConnection.js"
import type { Cipher } from "./TokenCipher.js"
import { TokenStoreError } from "./TokenStoreError.js"

/** The known constant whose encryption, kept with a store, tells whether a key is the store's. */
export const keyCheckPlaintext = "justworks-connector token store key check v1"

/** The paths (never the values) of a parse error's issues. */
const issuePaths = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length === 0 ? "(record)" : issue.path.join(".")))
    .join(", ")

const decodeRecord = Schema.decodeUnknown(StoredConnection)
const encodeRecord = Schema.encode(StoredConnection)

const corrupt = (location: string, connectionId: string, detail: string) =>
  new TokenStoreError({
    reason: "Corrupt",
    message: `the record of connection "${connectionId}" in ${location} ${detail}: remove the connection and connect it again`
  })

/** The record of `connectionId` out of its stored payload. */
export const openRecord = (
  cipher: Cipher,
  location: string,
  connectionId: string,
  payload: string
): Effect.Effect<StoredConnection, TokenStoreError> =>
  Effect.gen(function*() {
    const json = yield* cipher.decrypt(payload).pipe(
      Effect.mapError(() => corrupt(location, connectionId, "could not be decrypted (it was modified or damaged)"))
    )
    const parsed = yield* Effect.try({
      try: () => JSON.parse(json) as unknown,
      catch: () => corrupt(location, connectionId, "is not valid JSON")
    })
    const record = yield* decodeRecord(parsed).pipe(
      Effect.mapError((e) => corrupt(location, connectionId, `has invalid fields (${issuePaths(e)})`))
    )
    if (record.connectionId !== connectionId) return yield* corrupt(location, connectionId, "belongs to another connection")
    return record
  })

/** The payload a store keeps for `connection`. */
export const sealRecord = (cipher: Cipher, connection: StoredConnection): Effect.Effect<string, TokenStoreError> =>
  encodeRecord(connection).pipe(
    Effect.mapError((e) =>
      new TokenStoreError({
        reason: "Corrupt",
        message: `the record of connection "${connection.connectionId}" cannot be stored, it has invalid fields (${issuePaths(e)})`
      })
    ),
    Effect.map((encoded) => cipher.encrypt(JSON.stringify(encoded)))
  )
