/**
 * Several streams in one run against a stubbed ApiClient: a parent read once for all its children, the
 * incremental kinds (date windows with a lookback, children of changed parents, parents read once, a daily
 * report), resumed reads, a child's failure kept to it, and the validation modes.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Logger, Ref, Stream, TestClock } from "effect"
import { ApiClient, type CallInput } from "../http/ApiClient.js"
import { ApiError } from "../http/ApiError.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { RecordValidation, type ValidationMode } from "./RecordValidation.js"
import { type RunEvent, StreamReader, type StreamRun, type StreamState } from "./StreamReader.js"

const connector = loadProjectConnector()

type Handler = (endpointId: string, input: CallInput) => unknown

const withReader = (handler: Handler, mode: ValidationMode = "off") =>
  Effect.gen(function*() {
    const calls = yield* Ref.make<Array<{ endpointId: string; input: CallInput }>>([])
    const call = (endpointId: string, input: CallInput = {}) =>
      Effect.flatMap(Ref.update(calls, (c) => [...c, { endpointId, input }]), () =>
        Effect.suspend(() => {
          const answer = handler(endpointId, input)
          return answer instanceof ApiError ? Effect.fail(answer) : Effect.succeed(answer)
        }))
    const api = ApiClient.of({ call, callTracked: (endpointId, input) => call(endpointId, input) })
    const model = ConnectorModel.layerLoaded(connector)
    const reader = yield* StreamReader.make.pipe(
      Effect.provide(Layer.mergeAll(model, Layer.succeed(ApiClient, api), Layer.provide(RecordValidation.layer(mode), model)))
    )
    return { reader, calls }
  })

const run = (reader: StreamReader["Type"], runs: ReadonlyArray<[string, boolean, StreamState?]>, startDate = "2025-06-01") =>
  Effect.map(
    Stream.runCollect(reader.run(runs.map(([name, incremental, state]): StreamRun => ({ stream: connector.streamByName.get(name)!, incremental, state })), { startDate, concurrency: 2 })),
    Chunk.toArray
  )

const recordsOf = (events: ReadonlyArray<RunEvent>, stream: string) =>
  events.flatMap((e) => (e._tag === "Records" && e.stream === stream ? e.records : []))
const lastState = (events: ReadonlyArray<RunEvent>, stream: string) =>
  events.filter((e): e is Extract<RunEvent, { _tag: "Checkpoint" }> => e._tag === "Checkpoint" && e.stream === stream).at(-1)?.state
const ended = (events: ReadonlyArray<RunEvent>) =>
  Object.fromEntries(events.flatMap((e) => (e._tag === "Completed" || e._tag === "Failed" ? [[e.stream, e._tag]] : [])))

/** Payrolls p1 (June 15) and p2 (June 30); two paystubs each; one fee each. */
const payrollApi: Handler = (endpointId, input) => {
  switch (endpointId) {
    case "list_payrolls": {
      const all = [{ id: "p1", pay_date: "2025-06-15" }, { id: "p2", pay_date: "2025-06-30" }]
      const from = String(input.query!["start_date"])
      const to = String(input.query!["end_date"])
      return { items: all.filter((p) => p.pay_date >= from && p.pay_date <= to), next_cursor: null }
    }
    case "list_payroll_fees":
      return { items: [{ type: "processing_fee", member_id: null, amount: 2500 }], next_cursor: null }
    case "list_payroll_paystubs": {
      const payroll = input.path!["payroll_id"]!
      return { items: [{ paystub_id: `${payroll}-a` }, { paystub_id: `${payroll}-b` }], next_cursor: null }
    }
    case "get_paystub":
      return { paystub_id: input.path!["paystub_id"], gross_pay: 100 }
    default:
      throw new Error(`unexpected ${endpointId}`)
  }
}

describe("reading streams together", () => {
  it.effect("a parent is read once for all its children: each request once, every child's records, a state for each", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader, calls } = yield* withReader(payrollApi)
      const events = yield* run(reader, [["payrolls", true], ["payroll_fees", true], ["paystubs", true], ["paystub_details", true]])
      const made = (yield* Ref.get(calls)).map((c) => c.endpointId)
      // one window (June 1 → July 15), one request; one request per payroll per child; one per paystub
      expect(made.filter((id) => id === "list_payrolls")).toHaveLength(1)
      expect(made.filter((id) => id === "list_payroll_fees")).toHaveLength(2)
      expect(made.filter((id) => id === "list_payroll_paystubs")).toHaveLength(2)
      expect(made.filter((id) => id === "get_paystub")).toHaveLength(4)
      expect(recordsOf(events, "payrolls").map((r) => r["id"])).toEqual(["p1", "p2"])
      expect(recordsOf(events, "paystub_details").map((r) => r["paystub_id"])).toEqual(["p1-a", "p1-b", "p2-a", "p2-b"])
      // a company-level fee has no member: its synthetic key is never null
      expect(recordsOf(events, "payroll_fees").map((r) => [r["payroll_id"], r["fee_key"]])).toEqual([["p1", "processing_fee/"], ["p2", "processing_fee/"]])
      expect(ended(events)).toEqual({ payrolls: "Completed", payroll_fees: "Completed", paystubs: "Completed", paystub_details: "Completed" })
      // the greatest pay date read is the cursor; the paystubs read are remembered by their payroll's date
      expect(lastState(events, "payrolls")).toEqual({ cursor: "2025-06-30" })
      expect(lastState(events, "paystub_details")).toEqual({ cursor: "2025-06-30", seen: { "2025-06-15": ["p1-a", "p1-b"], "2025-06-30": ["p2-a", "p2-b"] } })
    }))

  it.effect("incremental: windows from the cursor minus the lookback; paystubs read before are not read again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader, calls } = yield* withReader(payrollApi)
      const seen = { "2025-06-15": ["p1-a", "p1-b"] }
      const events = yield* run(reader, [["payrolls", true, { cursor: "2025-07-10" }], ["paystub_details", true, { cursor: "2025-07-10", seen }]])
      const made = yield* Ref.get(calls)
      const windows = made.filter((c) => c.endpointId === "list_payrolls").map((c) => `${c.input.query!["start_date"]}..${c.input.query!["end_date"]}`)
      expect(windows).toEqual(["2025-06-09..2025-07-15"])
      // p1 is inside the lookback, read again, but its paystubs were read before; p2's are new
      expect(recordsOf(events, "payrolls").map((r) => r["id"])).toEqual(["p1", "p2"])
      expect(made.filter((c) => c.endpointId === "get_paystub").map((c) => c.input.path!["paystub_id"])).toEqual(["p2-a", "p2-b"])
      // what the next read can meet again stays remembered: dates within the lookback of the newest
      expect(lastState(events, "paystub_details")).toEqual({ cursor: "2025-06-30", seen: { "2025-06-15": ["p1-a", "p1-b"], "2025-06-30": ["p2-a", "p2-b"] } })
    }))

  it.effect("a read resumed from a checkpoint goes on at its window and page", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader, calls } = yield* withReader((_, input) => ({
        items: [{ id: `t-${input.query!["cursor"] ?? "first"}`, start_date: String(input.query!["start_date"]) }],
        next_cursor: input.query!["cursor"] === undefined ? "next" : null
      }))
      // windows of 90 days from the cursor minus the lookback: 2025-05-31, 2025-08-29, …
      const resume = { window: "2025-08-29", page: "next", max: "2025-06-01", started_at: "2025-07-15T11:00:00.000Z" }
      const events = yield* run(reader, [["time_off_requests", true, { cursor: "2025-07-01", resume }]])
      const first = (yield* Ref.get(calls))[0]!.input.query!
      expect([first["start_date"], first["cursor"]]).toEqual(["2025-08-29", "next"])
      const completed = events.find((e) => e._tag === "Completed")
      expect(completed?._tag === "Completed" && completed.startedAt).toBe("2025-07-15T11:00:00.000Z")
    }))

  it.effect("a saved page cursor the API refuses: the window is read from its first page, and a warning says so", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader, calls } = yield* withReader((endpointId, input) =>
        input.query!["cursor"] === "stale"
          ? new ApiError({ reason: "InvalidRequest", endpoint: endpointId, request: "GET /v1/members", detail: "cursor expired", status: 400 })
          : { items: [{ id: "m1", updated_at: "2025-07-01T00:00:00Z" }], next_cursor: null })
      const logs: Array<string> = []
      const logger = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))
      const events = yield* run(reader, [["members", true, { cursor: "2025-06-01T00:00:00Z", resume: { page: "stale" } }]]).pipe(Effect.provide(logger))
      expect((yield* Ref.get(calls)).map((c) => c.input.query!["cursor"])).toEqual(["stale", undefined])
      expect(recordsOf(events, "members")).toHaveLength(1)
      expect(logs.join("\n")).toMatch(/members: the API refused the saved page position \(.*cursor expired\); reading from the start/)
    }))

  it.effect("a child that fails stops with its own children; its parent and siblings complete", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader } = yield* withReader((endpointId, input) =>
        endpointId === "list_payroll_paystubs" && input.path!["payroll_id"] === "p2"
          ? new ApiError({ reason: "NotFound", endpoint: endpointId, request: "GET", detail: "no such payroll", status: 404 })
          : payrollApi(endpointId, input))
      const events = yield* run(reader, [["payrolls", true], ["payroll_fees", true], ["paystubs", true], ["paystub_details", true]])
      expect(ended(events)).toEqual({ payrolls: "Completed", payroll_fees: "Completed", paystubs: "Failed", paystub_details: "Failed" })
      expect(recordsOf(events, "payroll_fees")).toHaveLength(2)
      // a failed stream gets no state after its failure
      const failedAt = events.findIndex((e) => e._tag === "Failed")
      expect(events.slice(failedAt).some((e) => e._tag === "Checkpoint" && e.stream === "paystubs")).toBe(false)
    }))

  it.effect("a daily report: a second read on the same day makes no request", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader, calls } = yield* withReader(() => {
        throw new Error("no request expected")
      })
      const events = yield* run(reader, [["time_off_balances", true, { cursor: "2025-07-15" }]])
      expect(yield* Ref.get(calls)).toEqual([])
      expect(lastState(events, "time_off_balances")).toEqual({ cursor: "2025-07-15" })
      expect(ended(events)).toEqual({ time_off_balances: "Completed" })
    }))

  it.effect("validation: warn keeps a record with an unknown enum value and says why; strict fails that stream only", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const api: Handler = (endpointId) =>
        endpointId === "list_deductions"
          ? { items: [{ id: "d1", member_id: "m1", frequency: "monthly" }, { id: "d2", member_id: "m2", frequency: "one_time" }], next_cursor: null }
          : { items: [{ id: "w1", status: "opened", event_types: [] }], next_cursor: null }
      const warn = yield* withReader(api, "warn")
      const kept = yield* run(warn.reader, [["deductions", false], ["webhooks", false]])
      expect(recordsOf(kept, "deductions")).toHaveLength(2)
      const problems = kept.flatMap((e) => (e._tag === "Records" ? e.problems ?? [] : []))
      expect(problems).toEqual([{ path: "frequency", message: expect.stringMatching(/^Expected one of/) }])
      const strict = yield* withReader(api, "strict")
      const failed = yield* run(strict.reader, [["deductions", false], ["webhooks", false]])
      expect(ended(failed)).toEqual({ deductions: "Failed", webhooks: "Completed" })
      const error = failed.find((e) => e._tag === "Failed")
      expect(error?._tag === "Failed" && error.error.message).toMatch(/record id="d1": frequency: Expected one of/)
    }))

  it.effect("a cursor value from the future is not kept: the stream's cursor stays at what was read before", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-07-15T12:00:00Z"))
      const { reader } = yield* withReader(() => ({
        items: [{ id: "m1", updated_at: "2025-07-10T00:00:00Z" }, { id: "m2", updated_at: "2999-01-01T00:00:00Z" }],
        next_cursor: null
      }))
      const events = yield* run(reader, [["members", true]])
      expect(recordsOf(events, "members")).toHaveLength(2)
      expect(lastState(events, "members")).toEqual({ cursor: "2025-07-10T00:00:00Z" })
    }))

  it.effect("an empty object where the record is the body is no record (a stream replaced whole keeps its row)", () =>
    Effect.gen(function*() {
      const { reader } = yield* withReader(() => ({}))
      const events = yield* run(reader, [["company_business_info", false]])
      expect(recordsOf(events, "company_business_info")).toEqual([])
      expect(ended(events)).toEqual({ company_business_info: "Completed" })
    }))
})
