import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, Redacted } from "effect"
import * as SqliteTokenStore from "./SqliteTokenStore.js"
import { StoredConnection } from "./StoredConnection.js"
import { TokenStore } from "./TokenStore.js"
import type { TokenStoreError } from "./TokenStoreError.js"
import { makeConnection, tempDir, tokensOf } from "../../../test-support/tokenStores.js"

const stores: ReadonlyArray<readonly [string, Layer.Layer<TokenStore, TokenStoreError>]> = [
  ["memory", TokenStore.layerMemory],
  [
    "SQLite",
    Layer.unwrapScoped(
      Effect.map(tempDir, (dir) =>
        SqliteTokenStore.layerFile(join(dir, "tokens.db"), Redacted.make(randomBytes(32).toString("hex")))
      )
    )
  ]
]

describe.each(stores)("TokenStore (%s)", (_name, layer) => {
  it.effect("put, get, list and remove many connections", () =>
    Effect.gen(function* () {
      const store = yield* TokenStore
      expect(yield* store.list()).toEqual([])
      expect(Option.isNone(yield* store.get("nope"))).toBe(true)

      const ids = Array.from({ length: 25 }, (_, i) => `conn-${String(i).padStart(2, "0")}`)
      yield* Effect.forEach([...ids].reverse(), (id) => store.put(makeConnection(id)))
      expect(yield* store.list()).toEqual(ids)

      for (const id of ids) {
        const got = yield* store.get(id)
        expect(Option.isSome(got)).toBe(true)
        const record = Option.getOrThrow(got)
        expect(record).toBeInstanceOf(StoredConnection)
        expect(tokensOf(record)).toEqual([`access-${id}-1`, `refresh-${id}-1`])
        expect(record.grantedScopes).toEqual(["company.basic:read", "member.basic:read"])
        expect(record.accessTokenExpiresAt).toEqual(makeConnection(id).accessTokenExpiresAt)
        expect(record.createdAt).toEqual(makeConnection(id).createdAt)
      }

      yield* store.remove("conn-03")
      yield* store.remove("conn-03")
      yield* store.remove("never-existed")
      expect(Option.isNone(yield* store.get("conn-03"))).toBe(true)
      expect(yield* store.list()).toEqual(ids.filter((id) => id !== "conn-03"))
    }).pipe(Effect.provide(layer)))

  it.effect("put replaces access and refresh token together", () =>
    Effect.gen(function* () {
      const store = yield* TokenStore
      yield* store.put(makeConnection("a", 1))
      yield* store.put(makeConnection("b", 1))
      yield* store.put(makeConnection("a", 2))
      expect(tokensOf(Option.getOrThrow(yield* store.get("a")))).toEqual(["access-a-2", "refresh-a-2"])
      expect(tokensOf(Option.getOrThrow(yield* store.get("b")))).toEqual(["access-b-1", "refresh-b-1"])

      const withoutRefresh = new StoredConnection({ ...makeConnection("a", 3), refreshToken: undefined })
      yield* store.put(withoutRefresh)
      expect(tokensOf(Option.getOrThrow(yield* store.get("a")))).toEqual(["access-a-3", undefined])
      expect(yield* store.list()).toEqual(["a", "b"])
    }).pipe(Effect.provide(layer)))

  it.effect("concurrent readers only ever see matching token pairs", () =>
    Effect.gen(function* () {
      const store = yield* TokenStore
      yield* store.put(makeConnection("c", 0))
      const writer = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 50 }, (_, i) => i + 1), (g) => store.put(makeConnection("c", g)), {
          discard: true
        })
      )
      const seen = yield* Effect.forEach(
        Array.from({ length: 50 }),
        () => Effect.zipLeft(store.get("c"), Effect.yieldNow()),
        { concurrency: 4 }
      )
      yield* Fiber.join(writer)
      for (const got of seen) {
        const [access, refresh] = tokensOf(Option.getOrThrow(got))
        expect(refresh).toBe(access.replace("access-", "refresh-"))
      }
      expect(tokensOf(Option.getOrThrow(yield* store.get("c")))).toEqual(["access-c-50", "refresh-c-50"])
    }).pipe(Effect.provide(layer)))
})
