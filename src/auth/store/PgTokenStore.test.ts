/**
 * The token store and the write journal on a real PostgreSQL server (started here): records kept encrypted
 * (no token in any column), reopened with the same key, refused with another; concurrent refreshes by
 * stores on separate connection pools run one at a time; the journal keeps a run's rows.
 */
import { randomBytes } from "node:crypto"
import { Effect, Exit, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeConnection, tokensOf } from "../../../test-support/tokenStores.js"
import { startPostgres, type TestPostgres } from "../../../test-support/embeddedPostgres.js"
import * as PgWriteJournal from "../../writes/PgWriteJournal.js"
import { WriteJournal } from "../../writes/WriteJournal.js"
import * as PgSyncStore from "../../sync/PgSyncStore.js"
import { SyncStore } from "../../sync/SyncStore.js"
import * as PgTokenStore from "./PgTokenStore.js"
import { TokenStore } from "./TokenStore.js"

let pg: TestPostgres
beforeAll(async () => {
  pg = await startPostgres()
}, 120_000)
afterAll(() => pg?.stop())

const newKey = () => Redacted.make(randomBytes(32).toString("hex"))

describe("PgTokenStore", () => {
  it("keeps records encrypted; reopens with its key; refuses another key", async () => {
    const url = await pg.createDatabase("tokens")
    const key = newKey()
    await Effect.runPromise(Effect.gen(function*() {
      const store = yield* TokenStore
      yield* store.put(makeConnection("one"))
      yield* store.put(makeConnection("two"))
      yield* store.put(makeConnection("two", 2))
    }).pipe(Effect.provide(PgTokenStore.layerUrl(url, key))))

    const rows = await pg.query<{ connection_id: string; payload: string }>("tokens", "SELECT connection_id, payload FROM justworks._token_connections ORDER BY 1")
    expect(rows.map((r) => r.connection_id)).toEqual(["one", "two"])
    const everything = JSON.stringify(await pg.query("tokens", "SELECT * FROM justworks._token_connections")) +
      JSON.stringify(await pg.query("tokens", "SELECT * FROM justworks._token_meta"))
    for (const token of [...tokensOf(makeConnection("one")), ...tokensOf(makeConnection("two", 2))]) expect(everything).not.toContain(token)

    const [listed, two] = await Effect.runPromise(Effect.gen(function*() {
      const store = yield* TokenStore
      return [yield* store.list(), yield* store.get("two")] as const
    }).pipe(Effect.provide(PgTokenStore.layerUrl(url, key))))
    expect(listed).toEqual(["one", "two"])
    expect(tokensOf(Option.getOrThrow(two))).toEqual(tokensOf(makeConnection("two", 2)))

    const other = await Effect.runPromiseExit(Effect.flatMap(TokenStore, (s) => s.list()).pipe(Effect.provide(PgTokenStore.layerUrl(url, newKey()))))
    expect(Exit.isFailure(other)).toBe(true)
    expect(JSON.stringify(other)).toContain("WrongKey")
  }, 60_000)

  it("modify is single-flight across connection pools: concurrent refreshes run one after the other", async () => {
    const url = await pg.createDatabase("single_flight")
    const key = newKey()
    await Effect.runPromise(Effect.flatMap(TokenStore, (s) => s.put(makeConnection("shared"))).pipe(Effect.provide(PgTokenStore.layerUrl(url, key))))
    let inside = 0
    let most = 0
    let refreshed = 0
    // four stores, each with its own pool, as four processes would have
    const refresh = Effect.gen(function*() {
      const store = yield* TokenStore
      return yield* store.modify("shared", (current) =>
        Effect.gen(function*() {
          most = Math.max(most, ++inside)
          const record = Option.getOrThrow(current)
          // the first one refreshes; the others find its generation already stored
          const generation = Redacted.value(record.accessToken).endsWith("-1") ? 2 : undefined
          yield* Effect.sleep("150 millis")
          inside--
          if (generation === undefined) return undefined
          refreshed++
          return makeConnection("shared", generation)
        }))
    }).pipe(Effect.provide(PgTokenStore.layerUrl(url, key)))
    const results = await Promise.all(Array.from({ length: 4 }, () => Effect.runPromise(refresh)))
    expect(most).toBe(1)
    expect(refreshed).toBe(1)
    for (const r of results) expect(tokensOf(Option.getOrThrow(r))).toEqual(tokensOf(makeConnection("shared", 2)))
  }, 60_000)

  it("a database that cannot be reached: an error naming it without its password", async () => {
    const url = `postgres://justworks:${pg.password}@127.0.0.1:1/tokens`
    const exit = await Effect.runPromiseExit(Effect.flatMap(TokenStore, (s) => s.list()).pipe(Effect.provide(PgTokenStore.layerUrl(url, newKey()))))
    expect(Exit.isFailure(exit)).toBe(true)
    const text = Exit.isFailure(exit) ? String((exit.cause as unknown as { error?: { message?: string } }).error?.message) : ""
    expect(text).toMatch(/^could not connect to the token store in schema justworks of the database postgres:\/\/justworks:\*\*\*@127\.0\.0\.1:1\/tokens: .*ECONNREFUSED/)
    expect(text).not.toContain(pg.password)
  }, 30_000)
})

describe("stores sharing a schema", () => {
  it("opened at once on a new database (eight of each): the schema and every store's tables are made once", async () => {
    const url = await pg.createDatabase("first_use")
    const key = newKey()
    const opens = Array.from({ length: 8 }, () => [
      Effect.runPromise(Effect.flatMap(TokenStore, (s) => s.list()).pipe(Effect.provide(PgTokenStore.layerUrl(url, key)))),
      Effect.runPromise(Effect.flatMap(WriteJournal, (j) => j.latest({ connectionId: "c", action: "a", digest: "d" })).pipe(Effect.provide(PgWriteJournal.layer(url)))),
      Effect.runPromise(Effect.flatMap(SyncStore, (s) => s.state("members")).pipe(Effect.provide(PgSyncStore.layer(url))))
    ]).flat()
    await Promise.all(opens)
    for (const table of ["_token_migrations", "_journal_migrations", "_sync_migrations"]) {
      expect(await pg.query("first_use", `SELECT version FROM justworks."${table}"`)).toEqual([{ version: 1 }])
    }
    expect(await pg.query("first_use", "SELECT count(*)::int AS n FROM justworks._token_meta")).toEqual([{ n: 3 }])
  }, 60_000)
})

describe("PgWriteJournal", () => {
  it("records a run and its rows; the latest run of an input comes back with their outcomes", async () => {
    const url = await pg.createDatabase("journal")
    const identity = { connectionId: "default", action: "create_deductions", digest: "abcdef0123456789" }
    const latest = await Effect.runPromise(Effect.gen(function*() {
      const journal = yield* WriteJournal
      expect(yield* journal.latest(identity)).toBeUndefined()
      const runId = yield* journal.begin(identity, [
        { position: 0, label: "line 2", key: "k0", state: "pending", id: null, message: null, batch: null },
        { position: 1, label: "line 3", key: "k1", state: "invalid", id: null, message: "amount: expected a number", batch: null }
      ])
      yield* journal.update(runId, [{ position: 0, state: "applied", id: "ded_1", message: null, batch: 1 }])
      yield* journal.finish(runId)
      return yield* journal.latest(identity)
    }).pipe(Effect.provide(PgWriteJournal.layer(url))))
    expect(latest?.finishedAt).toBeInstanceOf(Date)
    expect(latest?.rows).toEqual([
      { position: 0, label: "line 2", key: "k0", state: "applied", id: "ded_1", message: null, batch: 1 },
      { position: 1, label: "line 3", key: "k1", state: "invalid", id: null, message: "amount: expected a number", batch: null }
    ])
    const versions = await pg.query<{ version: number }>("journal", "SELECT version FROM justworks._journal_migrations")
    expect(versions).toEqual([{ version: 1 }])
  }, 60_000)
})
