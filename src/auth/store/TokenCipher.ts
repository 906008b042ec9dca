/**
 * Authenticated encryption of token data at rest: AES-256-GCM with a fresh random 12-byte IV per message.
 *
 * Ciphertext format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url without padding.
 *
 * The key is given as `Redacted<string>` (normally from `JUSTWORKS_TOKEN_KEY`):
 * - 64 hex characters, or 44 base64 characters (standard or url-safe alphabet, `=`-padded): used as the
 *   32-byte key directly;
 * - anything else is a passphrase: the key is derived with scrypt (N = 2^15, r = 8, p = 1) and a salt. A token
 *   store keeps a random salt of its own (`withSalt`), so a guess at the passphrase is tried against one store
 *   at a time, at scrypt's cost; stores written before that (format 1) used the fixed salt
 *   {@link legacyPassphraseSalt}, which `make` uses unless given another. Prefer a random 32-byte key
 *   (`openssl rand -hex 32`) over a passphrase.
 * A passphrase's key is derived when first used.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto"
import { Config, Context, Effect, Layer, Redacted } from "effect"
import type { ConfigError } from "effect"
import { TokenStoreError } from "./TokenStoreError.js"

/** The salt of passphrase keys of format-1 token stores: fixed and public, one for every such store. */
export const legacyPassphraseSalt = "justworks-connector/token-store/v1"

/** A fresh random salt for a new token store (base64url, 16 bytes). */
export const newSalt = (): string => randomBytes(16).toString("base64url")

const VERSION = "v1"
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64_KEY = /^[A-Za-z0-9+/\-_]{43}=$/

/** The raw 32-byte key a configured key is, if it is one (else it is a passphrase). */
const rawKey = (text: string): Buffer | undefined => {
  if (HEX_KEY.test(text)) return Buffer.from(text, "hex")
  if (BASE64_KEY.test(text)) {
    const bytes = Buffer.from(text, "base64")
    if (bytes.length === KEY_BYTES) return bytes
  }
  return undefined
}

/** The configured key's text, or an error when it is empty. */
const keyText = (key: Redacted.Redacted<string>): Effect.Effect<string, TokenStoreError> =>
  Effect.suspend(() => {
    const text = Redacted.value(key).trim()
    return text.length > 0 ? Effect.succeed(text) : Effect.fail(
      new TokenStoreError({
        reason: "WrongKey",
        message: "the token encryption key is empty: set JUSTWORKS_TOKEN_KEY to 64 hex characters (e.g. `openssl rand -hex 32`), 44 base64 characters or a passphrase"
      })
    )
  })

/** The AES key of a configured key with `salt`, derived on first use (scrypt takes a tenth of a second). */
const lazyKey = (text: string, salt: string): (() => Buffer) => {
  const raw = rawKey(text)
  if (raw !== undefined) return () => raw
  let derived: Buffer | undefined
  return () => (derived ??= scryptSync(text, salt, KEY_BYTES, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }))
}

const corrupt = (detail: string) =>
  new TokenStoreError({
    reason: "Corrupt",
    message: `encrypted token data could not be decrypted: ${detail}`
  })

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url")

export interface Cipher {
  /** Encrypts with a fresh random IV: two encryptions of the same plaintext differ. */
  readonly encrypt: (plaintext: string) => string
  /**
   * Decrypts and checks the authentication tag. Fails with reason `Corrupt` when the data is malformed,
   * was modified, or was encrypted with another key (the cipher cannot tell those apart).
   */
  readonly decrypt: (ciphertext: string) => Effect.Effect<string, TokenStoreError>
  /** The same configured key for a store with a salt of its own: a passphrase is derived with it, a raw key is itself. */
  readonly withSalt: (salt: string) => Cipher
}

const cipherOf = (text: string, salt: string): Cipher => {
  const aesKey = lazyKey(text, salt)
  const encrypt = (plaintext: string): string => {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv("aes-256-gcm", aesKey(), iv, { authTagLength: TAG_BYTES })
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
          const decipher = createDecipheriv("aes-256-gcm", aesKey(), iv, { authTagLength: TAG_BYTES })
          decipher.setAuthTag(tag)
          return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8")
        },
        catch: () => corrupt("authentication failed (the data was modified or encrypted with another key)")
      })
    })

  const self: Cipher = { encrypt, decrypt, withSalt: (other) => (other === salt ? self : cipherOf(text, other)) }
  return self
}

export class TokenCipher extends Context.Tag("justworks-connector/TokenCipher")<TokenCipher, Cipher>() {
  /**
   * A cipher for the given key (see the module documentation for the accepted forms); a passphrase is derived
   * with `salt` (default: the fixed salt of format-1 stores).
   */
  static readonly make = (key: Redacted.Redacted<string>, salt: string = legacyPassphraseSalt): Effect.Effect<TokenCipher["Type"], TokenStoreError> =>
    Effect.map(keyText(key), (text) => TokenCipher.of(cipherOf(text, salt)))

  /** A cipher for the given key. */
  static readonly layer = (key: Redacted.Redacted<string>): Layer.Layer<TokenCipher, TokenStoreError> =>
    Layer.effect(TokenCipher, TokenCipher.make(key))

  /** A cipher for the key in `JUSTWORKS_TOKEN_KEY`. */
  static readonly layerConfig: Layer.Layer<TokenCipher, TokenStoreError | ConfigError.ConfigError> = Layer.effect(
    TokenCipher,
    Effect.flatMap(Config.redacted("JUSTWORKS_TOKEN_KEY"), TokenCipher.make)
  )
}
