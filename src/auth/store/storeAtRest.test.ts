/**
 * The token store file at rest: only its owner may read it (0600, directories 0700), a passphrase key is
 * salted per store (format 2), a store written with the fixed salt of format 1 still opens, and a store that
 * is not there is not created unless asked.
 */
import { existsSync, statSync } from "node:fs"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import * as SqliteTokenStore from "./SqliteTokenStore.js"
import { StoredConnection } from "./StoredConnection.js"
import { legacyPassphraseSalt, TokenCipher } from "./TokenCipher.js"
import { TokenStore } from "./TokenStore.js"
import { makeConnection, tempDir, tokensOf } from "../../../test-support/tokenStores.js"

const passphrase = Redacted.make("correct horse battery staple")

const mode = (path: string) => statSync(path).mode & 0o777

const meta = (file: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ key: string; value: string }>`SELECT key, value FROM meta`
    return new Map(rows.map((r) => [r.key, r.value]))
  }).pipe(Effect.provide(SqliteClient.layer({ filename: file })))

describe("the token store at rest", () => {
  it.scoped("is created 0600 in directories created 0700", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = join(dir, "made", "here", "tokens.db")
      yield* Effect.flatMap(TokenStore, (s) => s.put(makeConnection("one"))).pipe(Effect.provide(SqliteTokenStore.layerFile(file, passphrase)))
      expect(mode(file)).toBe(0o600)
      expect(mode(join(dir, "made"))).toBe(0o700)
      expect(mode(join(dir, "made", "here"))).toBe(0o700)
      for (const companion of [`${file}-wal`, `${file}-shm`]) if (existsSync(companion)) expect(mode(companion)).toBe(0o600)
    }))

  it.scoped("salts a passphrase per store: two stores of one passphrase hold different salts and keys", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const [a, b] = [join(dir, "a.db"), join(dir, "b.db")]
      for (const file of [a, b]) {
        yield* Effect.flatMap(TokenStore, (s) => s.put(makeConnection("same"))).pipe(Effect.provide(SqliteTokenStore.layerFile(file, passphrase)))
      }
      const [metaA, metaB] = [yield* meta(a), yield* meta(b)]
      expect(metaA.get("format")).toBe("2")
      expect(metaA.get("salt")).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(metaA.get("salt")).not.toBe(metaB.get("salt"))
      // the fixed salt of format 1 does not open them: the key is derived with the store's own
      const legacy = yield* TokenCipher.make(passphrase)
      expect((yield* Effect.flip(legacy.decrypt(metaA.get("key_check")!))).reason).toBe("Corrupt")
      const own = (yield* TokenCipher.make(passphrase)).withSalt(metaA.get("salt")!)
      expect(yield* own.decrypt(metaA.get("key_check")!)).toBe(SqliteTokenStore.keyCheckPlaintext)
      // and reopening with the passphrase reads the record back
      const got = yield* Effect.flatMap(TokenStore, (s) => s.get("same")).pipe(Effect.provide(SqliteTokenStore.layerFile(b, passphrase)))
      expect(tokensOf(Option.getOrThrow(got))).toEqual(["access-same-1", "refresh-same-1"])
    }))

  it.scoped("a store written the format-1 way (fixed salt) opens and stays usable", () =>
    Effect.gen(function*() {
      const file = join(yield* tempDir, "old.db")
      const record = makeConnection("old")
      // what the format-1 store wrote: meta without a salt, the key check and the record encrypted with the
      // passphrase derived with the fixed salt
      const legacy = yield* TokenCipher.make(passphrase, legacyPassphraseSalt)
      const payload = legacy.encrypt(JSON.stringify(yield* Schema.encode(StoredConnection)(record)))
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`
        yield* sql`CREATE TABLE connections (connection_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL)`
        yield* sql`INSERT INTO meta (key, value) VALUES ('format', '1'), ('key_check', ${legacy.encrypt(SqliteTokenStore.keyCheckPlaintext)})`
        yield* sql`INSERT INTO connections VALUES ('old', ${payload}, '2025-01-01T00:00:00.000Z')`
      }).pipe(Effect.provide(SqliteClient.layer({ filename: file })))

      const store = Context.get(yield* Layer.build(SqliteTokenStore.layerFile(file, passphrase)), TokenStore)
      expect(tokensOf(Option.getOrThrow(yield* store.get("old")))).toEqual(tokensOf(record))
      yield* store.put(makeConnection("old", 2))
      expect(tokensOf(Option.getOrThrow(yield* store.get("old")))).toEqual(["access-old-2", "refresh-old-2"])
      expect((yield* meta(file)).get("format")).toBe("1")
      // another passphrase is still told apart
      const wrong = yield* Effect.flip(Effect.provide(TokenStore, SqliteTokenStore.layerFile(file, Redacted.make("another passphrase"))))
      expect(wrong.reason).toBe("WrongKey")
    }))

  it.scoped("with create: false, a missing store is an error naming how to make one, and nothing is created", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = join(dir, "not", "here", "tokens.db")
      const error = yield* Effect.flip(Effect.provide(TokenStore, SqliteTokenStore.layerFile(file, passphrase, { create: false })))
      expect(error.reason).toBe("Unavailable")
      expect(error.message).toBe(`there is no token store at ${file}: connect first (justworks-connector connect --token-store ${file})`)
      expect(existsSync(join(dir, "not"))).toBe(false)
    }))
})
