/**
 * The runtime end to end against the stateful mock: every stream yields exactly what the mock holds;
 * faults (429 both forms, 5xx bursts, resets, truncated bodies) cost nothing; a repeating cursor is a
 * clear error; an interrupted incremental read resumed from its last checkpoint misses nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Stream } from "effect"
import { mockServer } from "../../mocks/mockServer.js"
import type { MockServer } from "../../mocks/startMockServer.js"
import type { StreamModel } from "../model/Connector.js"
import { connectorLayer } from "../../test-support/connectorLayer.js"
import { expectedStreamCounts } from "../../test-support/expectedStreamCounts.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { StreamReader, type ApiRecord, type ReadEvent, type StreamState } from "./StreamReader.js"

const startDate = "2020-01-01"

/** A connector (all scopes) against a fresh mock. */
const withMock = <A, E>(
  options: Parameters<typeof mockServer>[0] & { readonly fastRetries?: boolean },
  body: (mock: MockServer, reader: StreamReader["Type"]) => Effect.Effect<A, E, StreamReader>
) =>
  Effect.scoped(Effect.gen(function*() {
    const mock = yield* mockServer(options)
    return yield* Effect.gen(function*() {
      yield* seedMockConnection(mock, "test")
      return yield* body(mock, yield* StreamReader)
    }).pipe(Effect.provide(connectorLayer({
      mock,
      ...(options?.fastRetries ? { retry: { base_delay: Duration.millis(20), max_delay: Duration.millis(200) } } : {})
    })))
  }))

const keyOf = (def: StreamModel, record: ApiRecord) => JSON.stringify(def.primaryKey.map((k) => record[k]))

const readAll = (reader: StreamReader["Type"], stream: string, state?: StreamState) =>
  Effect.map(Stream.runCollect(reader.read(stream, { startDate, state })), Chunk.toArray)

const recordsIn = (events: ReadonlyArray<ReadEvent>) => events.flatMap((e) => (e._tag === "Records" ? e.records : []))

describe("runtime against the stateful mock", () => {
  it.live("every stream yields exactly the records the mock holds, each once", () =>
    withMock({ members: 30, payrollMonths: 2, reportReadyAfterPolls: 0 }, (mock, reader) =>
      Effect.gen(function*() {
        const counts = mock.store.counts()
        const expected = expectedStreamCounts(counts)
        expect(Object.keys(expected).sort()).toEqual(reader.streams.map((s) => s.name).sort())
        for (const def of reader.streams) {
          const records = recordsIn(yield* readAll(reader, def.name))
          expect(records.length, def.name).toBe(expected[def.name])
          if (def.primaryKey.length > 0) {
            expect(new Set(records.map((r) => keyOf(def, r))).size, `${def.name} duplicates`).toBe(records.length)
          }
          expect(expected[def.name], `${def.name} has records in the mock`).toBeGreaterThan(0)
        }
      })), 60_000)

  it.live("429 (Retry-After in seconds and as a date), 5xx bursts, resets and truncated bodies: every record exactly once", () =>
    withMock({
      members: 450,
      fastRetries: true,
      faults: [
        { kind: "rate_limit", at: [2], retryAfter: { seconds: 1 }, path: "/v1/members" },
        { kind: "rate_limit", at: [3], retryAfter: { seconds: 1, date: true }, path: "/v1/members" },
        { kind: "server_error", at: [4, 5], status: 503, path: "/v1/members" },
        { kind: "server_error", at: [6], status: 502, path: "/v1/members" },
        { kind: "reset", at: [8], path: "/v1/members" },
        { kind: "truncate", at: [9], path: "/v1/members" }
      ]
    }, (mock, reader) =>
      Effect.gen(function*() {
        const started = Date.now()
        const records = recordsIn(yield* readAll(reader, "members"))
        expect(records.length).toBe(450)
        expect(new Set(records.map((r) => r["id"])).size).toBe(450)
        const faulted = mock.requests.filter((r) => r.fault !== undefined).map((r) => r.fault)
        expect(faulted).toEqual(["rate_limit", "rate_limit", "server_error", "server_error", "server_error", "reset", "truncate"])
        // both Retry-After waits were honoured
        expect(Date.now() - started).toBeGreaterThanOrEqual(2_000)
      })), 60_000)

  it.live("children longer than the pages read eagerly (paystubs of payrolls of 450 members) stream the rest: every record once", () =>
    withMock({ members: 450, payrollMonths: 1 }, (mock, reader) =>
      Effect.gen(function*() {
        const records = recordsIn(yield* readAll(reader, "paystubs"))
        const payrolls = mock.store.payrolls().filter((p) => String(p["pay_date"]) >= startDate)
        expect(Math.max(...payrolls.map((p) => mock.store.paystubIds(String(p["id"])).length))).toBeGreaterThan(200)
        expect(records.length).toBe(mock.store.counts().paystubs)
        expect(new Set(records.map((r) => r["paystub_id"])).size).toBe(records.length)
        // every page of a child was asked for once
        const paystubPages = mock.requests.filter((r) => r.path.endsWith("/paystubs"))
        expect(new Set(paystubPages.map((r) => `${r.path}?${r.query["cursor"] ?? ""}`)).size).toBe(paystubPages.length)
      })), 60_000)

  it.live("a cursor that repeats ends the read with an error naming the stream", () =>
    withMock({ members: 450, faults: [{ kind: "repeat_cursor", at: [3], path: "/v1/members" }] }, (_, reader) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(readAll(reader, "members"))
        expect(error.message).toMatch(/^stream members \(list_members\): page \d returned a cursor already followed/)
      })))

  it.live("an incremental read interrupted after a checkpoint and resumed from it misses nothing", () =>
    withMock({ members: 450 }, (mock, reader) =>
      Effect.gen(function*() {
        const full = recordsIn(yield* readAll(reader, "members"))
        // first run: stop right after the second checkpoint
        let checkpoints = 0
        const first = Chunk.toArray(yield* Stream.runCollect(
          reader.read("members", { startDate }).pipe(Stream.takeUntil((e) => e._tag === "Checkpoint" && ++checkpoints === 2))
        ))
        const lastState = [...first].reverse().find((e) => e._tag === "Checkpoint")
        expect(lastState?._tag).toBe("Checkpoint")
        const state = lastState!._tag === "Checkpoint" ? lastState!.state : {}
        // meanwhile a member changes
        const touched = mock.store.touchMember(0)
        const second = yield* readAll(reader, "members", state)
        const firstIds = recordsIn(first).map((r) => r["id"] as string)
        const secondRecords = recordsIn(second)
        const secondIds = secondRecords.map((r) => r["id"] as string)
        expect(new Set(secondIds).size).toBe(secondIds.length)
        // until a read completes its checkpoints keep the cursor it started from (here none): the mock does not
        // promise cursor order any more than the API does
        expect(state.cursor).toBeUndefined()
        expect(new Set([...firstIds, ...secondIds])).toEqual(new Set(full.map((r) => r["id"] as string)))
        expect(secondRecords.find((r) => r["id"] === mock.store.memberId(0))?.["updated_at"]).toBe(touched)
        expect(firstIds.length).toBeLessThan(full.length)
      })), 60_000)
})
