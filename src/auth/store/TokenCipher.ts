/**
 * Authenticated encryption of token data at rest: AES-256-GCM with a fresh random 12-byte IV per message.
 *
 * Ciphertext format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url without padding.
 *
 * The key is given as `Redacted<string>` (normally from `JUSTWORKS_TOKEN_KEY`):
 * - 64 hex characters, or 44 base64 characters (standard or url-safe alphabet, `=`-padded): used as the
 *   32-byte key directly;
 * - anything else is a passphrase: the key is derived with scrypt (N = 2^15, r = 8, p = 1) and the fixed salt
 *   {@link passphraseSalt}, so the same passphrase always yields the same key and any store written with it
 *   can be reopened. Prefer a random 32-byte key (`openssl rand -hex 32`) over a passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto"
import { Config, Context, Effect, Layer, Redacted } from "effect"
import type { ConfigError } from "effect"
import { TokenStoreError } from "./TokenStoreError.js"

/** The salt for scrypt key derivation from a passphrase: fixed and public, one for every token store. */
export const passphraseSalt = "justworks-connector/token-store/v1"

const VERSION = "v1"
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64_KEY = /^[A-Za-z0-9+/\-_]{43}=$/

/** The 32-byte AES key for a configured key: raw hex or base64 key, else derived from a passphrase. */
const deriveKey = (key: Redacted.Redacted<string>): Effect.Effect<Buffer, TokenStoreError> =>
  Effect.suspend(() => {
    const text = Redacted.value(key).trim()
    if (text.length === 0) {
      return Effect.fail(
        new TokenStoreError({
          reason: "WrongKey",
          message: "the token encryption key is empty: set JUSTWORKS_TOKEN_KEY to 64 hex characters (e.g. `openssl rand -hex 32`), 44 base64 characters or a passphrase"
        })
      )
    }
    if (HEX_KEY.test(text)) return Effect.succeed(Buffer.from(text, "hex"))
    if (BASE64_KEY.test(text)) {
      const bytes = Buffer.from(text, "base64")
      if (bytes.length === KEY_BYTES) return Effect.succeed(bytes)
    }
    return Effect.sync(() =>
      scryptSync(text, passphraseSalt, KEY_BYTES, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
    )
  })

const corrupt = (detail: string) =>
  new TokenStoreError({
    reason: "Corrupt",
    message: `encrypted token data could not be decrypted: ${detail}`
  })

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url")

export class TokenCipher extends Context.Tag("justworks-connector/TokenCipher")<TokenCipher, {
  /** Encrypts with a fresh random IV: two encryptions of the same plaintext differ. */
  readonly encrypt: (plaintext: string) => string
  /**
   * Decrypts and checks the authentication tag. Fails with reason `Corrupt` when the data is malformed,
   * was modified, or was encrypted with another key (the cipher cannot tell those apart).
   */
  readonly decrypt: (ciphertext: string) => Effect.Effect<string, TokenStoreError>
}>() {
  /** A cipher for the given key (see the module documentation for the accepted forms). */
  static readonly make = (key: Redacted.Redacted<string>): Effect.Effect<TokenCipher["Type"], TokenStoreError> =>
    Effect.map(deriveKey(key), (aesKey) => {
      const encrypt = (plaintext: string): string => {
        const iv = randomBytes(IV_BYTES)
        const cipher = createCipheriv("aes-256-gcm", aesKey, iv, { authTagLength: TAG_BYTES })
        const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
        return [VERSION, encode(iv), encode(cipher.getAuthTag()), encode(body)].join(".")
      }

      const decrypt = (ciphertext: string): Effect.Effect<string, TokenStoreError> =>
        Effect.suspend(() => {
          const parts = ciphertext.split(".")
          if (parts.length !== 4 || parts[0] !== VERSION) {
            return Effect.fail(corrupt(`not in the ${VERSION} format`))
          }
          const [, ivText = "", tagText = "", bodyText = ""] = parts
          const iv = Buffer.from(ivText, "base64url")
          const tag = Buffer.from(tagText, "base64url")
          const body = Buffer.from(bodyText, "base64url")
          if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
            return Effect.fail(corrupt("bad IV or authentication tag length"))
          }
          return Effect.try({
            try: () => {
              const decipher = createDecipheriv("aes-256-gcm", aesKey, iv, { authTagLength: TAG_BYTES })
              decipher.setAuthTag(tag)
              return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8")
            },
            catch: () => corrupt("authentication failed (the data was modified or encrypted with another key)")
          })
        })

      return TokenCipher.of({ encrypt, decrypt })
    })

  /** A cipher for the given key. */
  static readonly layer = (key: Redacted.Redacted<string>): Layer.Layer<TokenCipher, TokenStoreError> =>
    Layer.effect(TokenCipher, TokenCipher.make(key))

  /** A cipher for the key in `JUSTWORKS_TOKEN_KEY`. */
  static readonly layerConfig: Layer.Layer<TokenCipher, TokenStoreError | ConfigError.ConfigError> = Layer.effect(
    TokenCipher,
    Effect.flatMap(Config.redacted("JUSTWORKS_TOKEN_KEY"), TokenCipher.make)
  )
}
