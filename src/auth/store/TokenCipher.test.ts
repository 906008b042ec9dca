import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Layer, Redacted } from "effect"
import { TokenCipher } from "./TokenCipher.js"

const roundTrip = (key: string) =>
  Effect.gen(function* () {
    const cipher = yield* TokenCipher.make(Redacted.make(key))
    const plaintext = "ya29.a0-secret-token/ünïcødé"
    const first = cipher.encrypt(plaintext)
    const second = cipher.encrypt(plaintext)
    expect(first).not.toBe(second)
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
    expect(first).not.toContain("secret")
    expect(yield* cipher.decrypt(first)).toBe(plaintext)
    expect(yield* cipher.decrypt(second)).toBe(plaintext)
    return first
  })

describe("TokenCipher", () => {
  it.effect("round-trips with a 64-hex-character key; two encryptions differ", () =>
    roundTrip(randomBytes(32).toString("hex")))

  it.effect("round-trips with a 44-character base64 key", () => roundTrip(randomBytes(32).toString("base64")))

  it.effect("round-trips with a passphrase, deriving the same key every time", () =>
    Effect.gen(function* () {
      const ciphertext = yield* roundTrip("correct horse battery staple")
      const again = yield* TokenCipher.make(Redacted.make("correct horse battery staple"))
      expect(yield* again.decrypt(ciphertext)).toBe("ya29.a0-secret-token/ünïcødé")
    }))

  it.effect("the same 32 bytes as hex or base64 are the same key", () =>
    Effect.gen(function* () {
      const bytes = randomBytes(32)
      const hex = yield* TokenCipher.make(Redacted.make(bytes.toString("hex")))
      const b64 = yield* TokenCipher.make(Redacted.make(bytes.toString("base64")))
      expect(yield* b64.decrypt(hex.encrypt("x"))).toBe("x")
    }))

  it.effect("another key or modified data fail with Corrupt", () =>
    Effect.gen(function* () {
      const cipher = yield* TokenCipher.make(Redacted.make(randomBytes(32).toString("hex")))
      const other = yield* TokenCipher.make(Redacted.make(randomBytes(32).toString("hex")))
      const ciphertext = cipher.encrypt("secret-value")
      const parts = ciphertext.split(".")
      const body = Buffer.from(parts[3]!, "base64url")
      body[0] = body[0]! ^ 1
      const tampered = [parts[0], parts[1], parts[2], body.toString("base64url")].join(".")
      for (const attempt of [other.decrypt(ciphertext), cipher.decrypt(tampered), cipher.decrypt("garbage"), cipher.decrypt("v1.a.b.c")]) {
        const error = yield* Effect.flip(attempt)
        expect(error.reason).toBe("Corrupt")
        expect(error.message).not.toContain("secret-value")
      }
    }))

  it.effect("an empty key is rejected with WrongKey", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(TokenCipher.make(Redacted.make("  ")))
      expect(error.reason).toBe("WrongKey")
      expect(error.message).toContain("JUSTWORKS_TOKEN_KEY")
    }))

  it.effect("layerConfig reads JUSTWORKS_TOKEN_KEY", () =>
    Effect.gen(function* () {
      const key = randomBytes(32).toString("hex")
      const fromConfig = yield* TokenCipher.pipe(
        Effect.provide(
          TokenCipher.layerConfig.pipe(
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["JUSTWORKS_TOKEN_KEY", key]]))))
          )
        )
      )
      const direct = yield* TokenCipher.make(Redacted.make(key))
      expect(yield* direct.decrypt(fromConfig.encrypt("x"))).toBe("x")

      const missing = yield* Effect.either(
        Effect.provide(TokenCipher, TokenCipher.layerConfig.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))))
      )
      expect(Either.isLeft(missing)).toBe(true)
    }))
})
