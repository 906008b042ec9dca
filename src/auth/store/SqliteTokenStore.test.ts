import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Inspectable, Layer, Option, Redacted } from "effect"
import * as SqliteTokenStore from "./SqliteTokenStore.js"
import { TokenCipher } from "./TokenCipher.js"
import { TokenStore } from "./TokenStore.js"
import { makeConnection, tempDir, tokensOf } from "../../../test-support/tokenStores.js"

const newKey = () => Redacted.make(randomBytes(32).toString("hex"))

/** All bytes SQLite may have written for the file (main file, WAL and shared memory). */
const rawBytes = (file: string): string =>
  [file, `${file}-wal`, `${file}-shm`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString("latin1"))
    .join("")

/** The store and its SqlClient, to reach under the store in tests. */
const storeWithSql = (file: string, key: Redacted.Redacted<string>) =>
  SqliteTokenStore.layer.pipe(
    Layer.provide(TokenCipher.layer(key)),
    Layer.provideMerge(SqliteTokenStore.layerSqliteFile(file))
  )

describe("SqliteTokenStore", () => {
  it.scoped("keeps the data across reopening with the same key; creates missing parent directories", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "nested", "dirs", "tokens.db")
      const key = newKey()
      yield* Effect.gen(function* () {
        const store = yield* TokenStore
        yield* store.put(makeConnection("one"))
        yield* store.put(makeConnection("two"))
        yield* store.put(makeConnection("two", 2))
      }).pipe(Effect.provide(SqliteTokenStore.layerFile(file, key)))

      const store = Context.get(yield* Layer.build(SqliteTokenStore.layerFile(file, key)), TokenStore)
      expect(yield* store.list()).toEqual(["one", "two"])
      expect(tokensOf(Option.getOrThrow(yield* store.get("two")))).toEqual(["access-two-2", "refresh-two-2"])
    }))

  it.scoped("also reopens with the same passphrase", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "tokens.db")
      yield* Effect.flatMap(TokenStore, (s) => s.put(makeConnection("p"))).pipe(
        Effect.provide(SqliteTokenStore.layerFile(file, Redacted.make("a long passphrase")))
      )
      const got = yield* Effect.flatMap(TokenStore, (s) => s.get("p")).pipe(
        Effect.provide(SqliteTokenStore.layerFile(file, Redacted.make("a long passphrase")))
      )
      expect(tokensOf(Option.getOrThrow(got))).toEqual(["access-p-1", "refresh-p-1"])
    }))

  it.scoped("the file holds neither the access nor the refresh token in plain text", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "tokens.db")
      const records = [makeConnection("conn-a", 7), makeConnection("conn-b", 8)]
      yield* Effect.flatMap(TokenStore, (s) => Effect.forEach(records, s.put)).pipe(
        Effect.provide(SqliteTokenStore.layerFile(file, newKey()))
      )
      const bytes = rawBytes(file)
      expect(bytes).toContain("conn-a") // connection ids are in clear: the check reads the right bytes
      for (const record of records) {
        for (const token of tokensOf(record)) {
          expect(token).toBeDefined()
          expect(bytes).not.toContain(token!)
          expect(bytes).not.toContain(Buffer.from(token!).toString("base64").slice(0, 12))
        }
      }
    }))

  it.scoped("opening with another key fails with WrongKey and a clear message", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "tokens.db")
      const record = makeConnection("conn-1")
      yield* Effect.flatMap(TokenStore, (s) => s.put(record)).pipe(Effect.provide(SqliteTokenStore.layerFile(file, newKey())))

      for (const key of [newKey(), Redacted.make("some passphrase")]) {
        const error = yield* Effect.flip(Effect.provide(TokenStore, SqliteTokenStore.layerFile(file, key)))
        expect(error._tag).toBe("TokenStoreError")
        expect(error.reason).toBe("WrongKey")
        expect(error.message).toBe(
          `the token store at ${file} was written with a different encryption key: set JUSTWORKS_TOKEN_KEY to the key it was created with, or delete the file to start over`
        )
        for (const text of [error.message, String(error), Inspectable.format(error)]) {
          for (const token of tokensOf(record)) expect(text).not.toContain(token!)
          expect(text).not.toContain(Redacted.value(key))
        }
      }
    }))

  it.scoped("a modified record fails with Corrupt; other records stay readable", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "tokens.db")
      const context = yield* Layer.build(storeWithSql(file, newKey()))
      const sql = Context.get(context, SqlClient.SqlClient)
      const store = Context.get(context, TokenStore)
      yield* store.put(makeConnection("victim"))
      yield* store.put(makeConnection("bystander"))
      const rows = yield* sql<{ payload: string }>`SELECT payload FROM connections WHERE connection_id = 'victim'`
      const payload = rows[0]!.payload
      // one character of the ciphertext changed (to another: the one it replaces may be an "A" itself)
      const flipped = payload.slice(0, -2) + (payload.at(-2) === "A" ? "B" : "A") + payload.slice(-1)
      yield* sql`UPDATE connections SET payload = ${flipped} WHERE connection_id = 'victim'`

      const error = yield* Effect.flip(store.get("victim"))
      expect(error.reason).toBe("Corrupt")
      expect(error.message).toContain(`"victim"`)
      expect(error.message).toContain(file)
      expect(tokensOf(Option.getOrThrow(yield* store.get("bystander")))).toEqual(["access-bystander-1", "refresh-bystander-1"])

      // a valid payload moved under another connection id is detected too
      const other = yield* sql<{ payload: string }>`SELECT payload FROM connections WHERE connection_id = 'bystander'`
      yield* sql`UPDATE connections SET payload = ${other[0]!.payload} WHERE connection_id = 'victim'`
      expect((yield* Effect.flip(store.get("victim"))).reason).toBe("Corrupt")
    }))

  it.scoped("a file that is not a token store fails with Unavailable", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "tokens.db")
      writeFileSync(file, "this is not a sqlite database, just some text that is long enough to have a header".repeat(20))
      const error = yield* Effect.flip(Effect.provide(TokenStore, SqliteTokenStore.layerFile(file, newKey())))
      expect(error.reason).toBe("Unavailable")
      expect(error.message).toContain(file)
    }))
})
