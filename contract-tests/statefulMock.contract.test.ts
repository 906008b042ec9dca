/**
 * The connector end to end against the stateful mock's default company (250 members, 24 months of
 * payrolls): every stream yields exactly the records the mock holds, each once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { mockServer } from "../mocks/mockServer.js"
import { StreamReader } from "../src/runtime/StreamReader.js"
import { connectorLayer } from "../test-support/connectorLayer.js"
import { expectedStreamCounts } from "../test-support/expectedStreamCounts.js"
import { seedMockConnection } from "../test-support/seedMockConnection.js"

describe("contract: the connector against the stateful mock's default company", () => {
  it.live("record counts of every stream equal what the mock holds, with no duplicate keys", () =>
    Effect.gen(function*() {
      const mock = yield* mockServer({ reportReadyAfterPolls: 0 })
      const counts = mock.store.counts()
      const expected = expectedStreamCounts(counts)
      const actual = yield* Effect.gen(function*() {
        yield* seedMockConnection(mock, "test")
        const reader = yield* StreamReader
        const result: Record<string, number> = {}
        yield* Effect.forEach(reader.streams, (def) =>
          Stream.runFold(reader.records(def.name, { startDate: "2020-01-01" }), new Set<string>(), (keys, r) =>
            keys.add(JSON.stringify(def.primaryKey.map((k) => r[k])) + (def.primaryKey.length === 0 ? String(keys.size) : ""))
          ).pipe(Effect.map((keys) => void (result[def.name] = keys.size))), { concurrency: 4 })
        return result
      }).pipe(Effect.provide(connectorLayer({ mock })))
      expect(actual).toEqual(expected)
    }).pipe(Effect.scoped), 300_000)
})
