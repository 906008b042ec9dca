import { describe, expect, it } from "@effect/vitest"
import { Effect, Inspectable, Redacted, Schema } from "effect"
import { StoredConnection } from "./StoredConnection.js"
import { TokenStoreError } from "./TokenStoreError.js"
import { makeConnection, tokensOf } from "../../../test-support/tokenStores.js"

const record = makeConnection("conn-1")
const [access, refresh] = tokensOf(record)

const expectNoTokens = (text: string) => {
  expect(text).not.toContain(access)
  expect(text).not.toContain(refresh)
}

describe("StoredConnection", () => {
  it("never shows its tokens in String, JSON.stringify or Inspectable.format", () => {
    for (const text of [String(record), `${record}`, JSON.stringify(record), Inspectable.format(record), Inspectable.toStringUnknown(record)]) {
      expectNoTokens(text)
      expect(text).toContain("conn-1")
    }
    expect(JSON.stringify(record)).toContain("<redacted>")
  })

  it.effect("encodes and decodes explicitly, with and without a refresh token", () =>
    Effect.gen(function* () {
      const encoded = yield* Schema.encode(StoredConnection)(record)
      expect(encoded.accessToken).toBe(access)
      expect(encoded.refreshToken).toBe(refresh)
      const decoded = yield* Schema.decodeUnknown(StoredConnection)(JSON.parse(JSON.stringify(encoded)))
      expect(tokensOf(decoded)).toEqual([access, refresh])
      expect(decoded.accessTokenExpiresAt).toEqual(record.accessTokenExpiresAt)
      expect(decoded.grantedScopes).toEqual(record.grantedScopes)

      const noRefresh = new StoredConnection({ ...record, refreshToken: undefined })
      const again = yield* Schema.decodeUnknown(StoredConnection)(
        JSON.parse(JSON.stringify(yield* Schema.encode(StoredConnection)(noRefresh)))
      )
      expect(again.refreshToken).toBeUndefined()
      expect(Redacted.value(again.accessToken)).toBe(access)
    }))

  it("error messages carry no token values", () => {
    const error = new TokenStoreError({ reason: "Corrupt", message: "the record of connection \"conn-1\" is damaged", cause: record })
    for (const text of [error.message, String(error), JSON.stringify(error), Inspectable.format(error)]) expectNoTokens(text)
  })
})
