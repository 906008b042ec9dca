/**
 * The interpreter against a stubbed ApiClient: pagination and its guards, selectors, parent streams,
 * date windows, incremental checkpoints and report polling (timing with TestClock).
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Ref, Stream, TestClock } from "effect"
import { ApiClient, type CallInput } from "../http/ApiClient.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { RecordValidation } from "./RecordValidation.js"
import { StreamReader, type ReadEvent } from "./StreamReader.js"

const loaded = loadProjectConnector()

type Handler = (endpointId: string, input: CallInput) => unknown

const reader = (handler: Handler) =>
  Effect.gen(function*() {
    const calls = yield* Ref.make<Array<{ endpointId: string; input: CallInput }>>([])
    const call = (endpointId: string, input: CallInput = {}) =>
      Effect.flatMap(Ref.update(calls, (c) => [...c, { endpointId, input }]), () => Effect.sync(() => handler(endpointId, input)))
    const api = ApiClient.of({ call, callTracked: (endpointId, input) => call(endpointId, input) })
    const streams = yield* StreamReader.make.pipe(
      Effect.provide(Layer.mergeAll(ConnectorModel.layerLoaded(loaded), Layer.succeed(ApiClient, api), RecordValidation.layerNone))
    )
    return { streams, calls }
  })

const collect = <E>(stream: Stream.Stream<ReadEvent, E>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)
const ids = (events: ReadonlyArray<ReadEvent>) => events.flatMap((e) => (e._tag === "Records" ? e.records.map((r) => r["id"]) : []))

/** Three pages of members, 2 per page, ordered by updated_at. */
const memberPages: Handler = (_, input) => {
  const cursor = input.query?.["cursor"]
  const page = cursor === undefined ? 0 : Number(String(cursor).slice(1))
  const items = [0, 1].map((i) => ({ id: `m${page * 2 + i}`, updated_at: `2025-01-0${page * 2 + i + 1}T00:00:00Z` }))
  return { items, next_cursor: page < 2 ? `p${page + 1}` : null }
}

describe("StreamReader", () => {
  it.effect("follows next_cursor with the manifest's page size until it is null", () =>
    Effect.gen(function*() {
      const { streams, calls } = yield* reader(memberPages)
      const events = yield* collect(streams.read("members", { startDate: "2025-01-01" }))
      expect(ids(events)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"])
      const queries = (yield* Ref.get(calls)).map((c) => c.input.query)
      expect(queries).toEqual([
        { limit: 100, cursor: undefined },
        { limit: 100, cursor: "p1" },
        { limit: 100, cursor: "p2" }
      ])
    }))

  it.effect("a cursor that repeats is an error naming the stream and endpoint, not a loop", () =>
    Effect.gen(function*() {
      const { streams, calls } = yield* reader(() => ({ items: [{ id: "x", updated_at: "2025-01-01T00:00:00Z" }], next_cursor: "same" }))
      const error = yield* Effect.flip(collect(streams.read("members", { startDate: "2025-01-01" })))
      expect(error.message).toBe("stream members (list_members): page 2 returned a cursor already followed; stopping instead of looping")
      expect((yield* Ref.get(calls)).length).toBe(2)
    }))

  it.effect("selects a single object, a nested array, and reports a response without records", () =>
    Effect.gen(function*() {
      const company = { id: "c1", departments: [{ id: "d1", name: "Ops" }, { id: "d2", name: "Eng" }], offices: [] }
      const { streams } = yield* reader(() => company)
      expect(ids(yield* collect(streams.read("company", { startDate: "2025-01-01" })))).toEqual(["c1"])
      expect(ids(yield* collect(streams.read("departments", { startDate: "2025-01-01" })))).toEqual(["d1", "d2"])
      // no records, no batch: an empty response emits only the final state of a full refresh
      expect(yield* collect(streams.read("offices", { startDate: "2025-01-01" }))).toEqual([{ _tag: "Checkpoint", stream: "offices", state: {} }])
      const { streams: broken } = yield* reader(() => ({ items: "nope", next_cursor: null }))
      const error = yield* Effect.flip(collect(broken.read("deductions", { startDate: "2025-01-01" })))
      expect(error.message).toMatch(/stream deductions \(list_deductions\): \$\.items is neither an object nor an array/)
    }))

  it.effect("feeds child endpoints from parent records; children carry the parent key", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-09-15T12:00:00Z"))
      const { streams, calls } = yield* reader((endpointId, input) => {
        if (endpointId === "list_payrolls") return { items: [{ id: "p1" }, { id: "p2" }], next_cursor: null }
        return { items: [{ name: "Service fee", type: "service", reference_id: input.path!["payroll_id"], reference_type: "payroll", amount: 100 }], next_cursor: null }
      })
      const events = yield* collect(streams.read("payroll_fees", { startDate: "2025-09-01" }))
      const records = events.flatMap((e) => (e._tag === "Records" ? e.records : []))
      expect(records.map((r) => [r["payroll_id"], r["reference_id"]]).sort()).toEqual([["p1", "p1"], ["p2", "p2"]])
      const feeCalls = (yield* Ref.get(calls)).filter((c) => c.endpointId === "list_payroll_fees")
      expect(feeCalls.map((c) => c.input.path)).toEqual(expect.arrayContaining([{ payroll_id: "p1" }, { payroll_id: "p2" }]))
    }))

  it.effect("children come out in parent order, every page of a long child before the next parent's", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-09-15T12:00:00Z"))
      const pagesOf: Record<string, number> = { p1: 5, p2: 1, p3: 3 }
      const { streams } = yield* reader((endpointId, input) => {
        if (endpointId === "list_payrolls") return { items: [{ id: "p1" }, { id: "p2" }, { id: "p3" }], next_cursor: null }
        const payroll = input.path!["payroll_id"]!
        const page = Number(input.query?.["cursor"] ?? 1)
        return { items: [{ paystub_id: `${payroll}-${page}` }], next_cursor: page < pagesOf[payroll]! ? String(page + 1) : null }
      })
      const events = yield* collect(streams.read("paystubs", { startDate: "2025-09-01" }))
      const records = events.flatMap((e) => (e._tag === "Records" ? e.records : []))
      expect(records.map((r) => r["paystub_id"])).toEqual(["p1-1", "p1-2", "p1-3", "p1-4", "p1-5", "p2-1", "p3-1", "p3-2", "p3-3"])
      expect(records.every((r) => String(r["paystub_id"]).startsWith(`${r["payroll_id"]}-`))).toBe(true)
    }))

  it.effect("reads date-windowed endpoints window by window from the start date to today", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { streams, calls } = yield* reader(() => ({ items: [], next_cursor: null }))
      yield* collect(streams.read("payrolls", { startDate: "2025-01-01" }))
      const windows = (yield* Ref.get(calls)).map((c) => `${c.input.query!["start_date"]}..${c.input.query!["end_date"]}`)
      expect(windows).toEqual(["2025-01-01..2025-03-31", "2025-04-01..2025-06-29", "2025-06-30..2025-07-15"])
    }))

  it.effect("records outside their date window are dropped; a page left with none emits nothing", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      // every window's answer holds one payroll inside the first window and one after it
      const { streams } = yield* reader(() => ({ items: [{ id: "jan", pay_date: "2025-01-15" }, { id: "jul", pay_date: "2025-07-15" }], next_cursor: null }))
      const events = yield* collect(streams.read("payrolls", { startDate: "2025-01-01" }))
      // a checkpoint after each window says where a resumed read goes on; the last one is the cursor
      expect(events.map((e) => (e._tag === "Records" ? e.records.map((r) => r["id"]) : e.state.resume?.window ?? e.state.cursor))).toEqual([
        ["jan"], "2025-04-01", "2025-06-30", ["jul"], "2025-07-15"
      ])
    }))

  it.effect("without a start date, date-windowed endpoints are read from two years before today", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { streams, calls } = yield* reader(() => ({ items: [], next_cursor: null }))
      yield* Stream.runDrain(streams.records("payrolls", {}))
      const starts = (yield* Ref.get(calls)).map((c) => c.input.query!["start_date"])
      expect(starts[0]).toBe("2023-07-16")
      expect((yield* Ref.get(calls)).at(-1)!.input.query!["end_date"]).toBe("2025-07-15")
    }))

  it.effect("records of a stream read page by page: each page's records in order, from the saved cursor, errors and all", () =>
    Effect.gen(function*() {
      const { streams, calls } = yield* reader(memberPages)
      const records = Chunk.toArray(yield* Stream.runCollect(streams.records("members", { state: { cursor: "2024-12-31T00:00:00Z" } })))
      expect(records.map((r) => r["id"])).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"])
      expect((yield* Ref.get(calls)).map((c) => c.input.query)).toEqual([
        { updated_at_gte: "2024-12-31T00:00:00Z", limit: 100, cursor: undefined },
        { updated_at_gte: "2024-12-31T00:00:00Z", limit: 100, cursor: "p1" },
        { updated_at_gte: "2024-12-31T00:00:00Z", limit: 100, cursor: "p2" }
      ])
      // a stream of one request, and a page guard's error, come through the same way
      const { streams: company } = yield* reader(() => ({ id: "c1" }))
      expect(Chunk.toArray(yield* Stream.runCollect(company.records("company", {}))).map((r) => r["id"])).toEqual(["c1"])
      const { streams: looping } = yield* reader(() => ({ items: [{ id: "x" }], next_cursor: "same" }))
      const error = yield* Effect.flip(Stream.runDrain(looping.records("members", {})))
      expect(error.message).toBe("stream members (list_members): page 2 returned a cursor already followed; stopping instead of looping")
    }))

  it.effect("incremental: filters from the saved cursor, checkpoints it after each page, and the greatest cursor read at the end", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { streams, calls } = yield* reader(memberPages)
      const events = yield* collect(streams.read("members", { startDate: "2025-01-01", state: { cursor: "2024-12-31T00:00:00Z" } }))
      expect((yield* Ref.get(calls))[0]!.input.query).toMatchObject({ updated_at_gte: "2024-12-31T00:00:00Z" })
      const checkpoints = events.filter((e) => e._tag === "Checkpoint").map((e) => e._tag === "Checkpoint" && e.state)
      expect(checkpoints).toEqual([
        { cursor: "2024-12-31T00:00:00Z", resume: { page: "p1", max: "2025-01-02T00:00:00Z", started_at: "2025-07-15T12:00:00.000Z" } },
        { cursor: "2024-12-31T00:00:00Z", resume: { page: "p2", max: "2025-01-04T00:00:00Z", started_at: "2025-07-15T12:00:00.000Z" } },
        { cursor: "2025-01-06T00:00:00Z" }
      ])
      expect(events.map((e) => e._tag)).toEqual(["Records", "Checkpoint", "Records", "Checkpoint", "Records", "Checkpoint"])
    }))

  it.effect("incremental: a read resumed from any checkpoint misses no record, even when a later page holds older ones", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      // the first page looks ordered; the second holds records older than the first page's
      const pages = [
        { items: [{ id: "a", updated_at: "2025-02-01T00:00:00Z" }, { id: "b", updated_at: "2025-03-01T00:00:00Z" }], next_cursor: "p1" },
        { items: [{ id: "c", updated_at: "2025-01-15T00:00:00Z" }], next_cursor: null }
      ]
      const { streams } = yield* reader((_, input) => pages[input.query?.["cursor"] === "p1" ? 1 : 0])
      const events = yield* collect(streams.read("members", { startDate: "2025-01-01", state: { cursor: "2025-01-01T00:00:00Z" } }))
      // after each checkpoint, every record still to come is at or after its cursor
      events.forEach((event, at) => {
        if (event._tag !== "Checkpoint") return
        const later = events.slice(at + 1).flatMap((e) => (e._tag === "Records" ? e.records : []))
        for (const record of later) expect(String(record["updated_at"]) >= event.state.cursor!).toBe(true)
      })
      const checkpoints = events.filter((e) => e._tag === "Checkpoint").map((e) => e._tag === "Checkpoint" && e.state.cursor)
      expect(checkpoints).toEqual(["2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z"])
    }))

  it.effect("a report is created per combination, polled with backoff until ready, then its items are read", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      let polls = 0
      const { streams, calls } = yield* reader((endpointId, input) => {
        switch (endpointId) {
          case "list_members":
            return { items: [{ id: "m1", updated_at: "2025-01-01T00:00:00Z" }], next_cursor: null }
          case "list_time_off_policies":
            return { items: [{ id: "pto" }], next_cursor: null }
          case "create_time_off_balances_report":
            return { report_id: "r1", status: "pending" }
          default:
            if (input.query?.["limit"] === undefined) return { report_id: "r1", status: ++polls < 4 ? "pending" : "ready" }
            return { report_id: "r1", status: "ready", items: [{ member_id: "m1", policy_id: "pto", available: 8 }], next_cursor: null }
        }
      })
      const fiber = yield* Effect.fork(collect(streams.read("time_off_balances", { startDate: "2025-01-01" })))
      yield* TestClock.adjust("1 second")
      expect(polls).toBe(1)
      yield* TestClock.adjust("2 seconds")
      expect(polls).toBe(2)
      yield* TestClock.adjust("3 seconds")
      expect(polls).toBe(3)
      yield* TestClock.adjust("5 seconds")
      const events = yield* Fiber.join(fiber)
      expect(events.flatMap((e) => (e._tag === "Records" ? e.records : []))).toEqual([{ member_id: "m1", policy_id: "pto", available: 8 }])
      const create = (yield* Ref.get(calls)).find((c) => c.endpointId === "create_time_off_balances_report")!
      expect(create.input.body).toEqual({ member_id: "m1", policy_id: "pto", as_of_date: "2025-07-15" })
    }))

  it.effect("a report that never gets ready times out with a clear error", () =>
    Effect.gen(function*() {
      const { streams } = yield* reader((endpointId) => {
        if (endpointId === "list_members") return { items: [{ id: "m1" }], next_cursor: null }
        if (endpointId === "list_time_off_policies") return { items: [{ id: "pto" }], next_cursor: null }
        return { report_id: "r1", status: "pending" }
      })
      const fiber = yield* Effect.fork(Effect.flip(collect(streams.read("time_off_balances", { startDate: "2025-01-01" }))))
      yield* TestClock.adjust("11 minutes")
      const error = yield* Fiber.join(fiber)
      expect(error.message).toMatch(/report r1 was not ready within 10m/)
    }))
})
