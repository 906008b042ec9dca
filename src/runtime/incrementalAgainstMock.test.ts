/**
 * Incremental reads against the stateful mock, stream by stream: a first read of every stream, a change in
 * the mock that touches it (a member edited, a payroll run, a time-off request made), then a second read from
 * the states of the first. The second read returns the new and changed records, and what its cursor says to
 * read again (the record at the cursor; a lookback of 31 days), nothing else; what it and the first read
 * returned together is what a full read returns now.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { mockServer } from "../../mocks/mockServer.js"
import { connectorLayer, projectConnector } from "../../test-support/connectorLayer.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import type { StreamModel } from "../model/Connector.js"
import { type ApiRecord, type RunEvent, StreamReader, type StreamState } from "./StreamReader.js"

const DAY = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const today = isoDay(Date.now())
/** the data's "today" three weeks back: the next payroll run falls before the real today */
const asOf = isoDay(Date.now() - 21 * DAY)
const startDate = isoDay(Date.now() - 200 * DAY)

const keyOf = (stream: StreamModel, record: ApiRecord) => JSON.stringify(stream.primaryKey.map((k) => record[k]))

interface Read {
  readonly records: Map<string, Array<ApiRecord>>
  readonly states: Map<string, StreamState>
  readonly requests: Map<string, number>
}

const readAll = (reader: StreamReader["Type"], states?: ReadonlyMap<string, StreamState>) =>
  Effect.map(
    Stream.runCollect(reader.run(
      projectConnector.streams.map((stream) => ({ stream, incremental: states !== undefined && stream.cursor !== undefined, state: states?.get(stream.name) })),
      { startDate, concurrency: 4 }
    )),
    (chunk): Read => {
      const events: ReadonlyArray<RunEvent> = Chunk.toArray(chunk)
      const records = new Map<string, Array<ApiRecord>>(projectConnector.streams.map((s) => [s.name, []]))
      const states = new Map<string, StreamState>()
      const requests = new Map<string, number>()
      for (const e of events) {
        if (e._tag === "Records") records.get(e.stream)!.push(...e.records)
        if (e._tag === "Checkpoint") states.set(e.stream, e.state)
        if (e._tag === "Completed") requests.set(e.stream, e.requests)
        if (e._tag === "Failed") throw new Error(`${e.stream} failed: ${e.error.message}`)
      }
      return { records, states, requests }
    }
  )

describe("incremental reads against the stateful mock", () => {
  it.live("each stream: the second read returns what changed (and its lookback); both reads together are a full read", () =>
    Effect.scoped(Effect.gen(function*() {
      const mock = yield* mockServer({ members: 40, asOf, payrollMonths: 6, reportReadyAfterPolls: 0 })
      yield* Effect.gen(function*() {
        yield* seedMockConnection(mock, "test")
        const reader = yield* StreamReader
        const first = yield* readAll(reader, new Map())

        // the changes: a member edited, a payroll run, a time-off request made for today
        const touched = mock.store.memberId(3)
        mock.store.touchMember(3)
        const payroll = mock.store.addPayrollRun()
        expect(String(payroll["pay_date"]) <= today).toBe(true)
        const request = mock.store.addTimeOffRequest({ member: 5, startDate: today, days: 2 })

        const second = yield* readAll(reader, first.states)
        const full = yield* readAll(reader)
        const by = (stream: string, read: Read) => read.records.get(stream)!

        for (const stream of projectConnector.streams) {
          const firstKeys = new Set(by(stream.name, first).map((r) => keyOf(stream, r)))
          const secondRecords = by(stream.name, second)
          const union = new Set([...firstKeys, ...secondRecords.map((r) => keyOf(stream, r))])
          const fullKeys = new Set(by(stream.name, full).map((r) => keyOf(stream, r)))
          expect(union, `${stream.name}: first ∪ second = full`).toEqual(fullKeys)
          // whatever is new or changed since the first read is in the second, as a full read has it
          const firstByKey = new Map(by(stream.name, first).map((r) => [keyOf(stream, r), JSON.stringify(r)]))
          const secondByKey = new Map(secondRecords.map((r) => [keyOf(stream, r), JSON.stringify(r)]))
          for (const record of by(stream.name, full)) {
            const key = keyOf(stream, record)
            if (firstByKey.get(key) !== JSON.stringify(record)) expect(secondByKey.get(key), `${stream.name} ${key} changed`).toBe(JSON.stringify(record))
          }
          if (stream.cursor === undefined) expect(secondRecords.length, `${stream.name} is read whole`).toBe(fullKeys.size)
        }

        // and nothing else: what each incremental stream's cursor says to read again
        const cursorOf = (stream: string) => first.states.get(stream)!.cursor!
        const members = by("members", second)
        expect(members.map((m) => m["id"])).toContain(touched)
        expect(members.every((m) => m["id"] === touched || m["updated_at"] === cursorOf("members"))).toBe(true)
        const memberIds = new Set(members.map((m) => m["id"]))
        expect(by("member_custom_field_values", second).every((v) => memberIds.has(v["member_id"]))).toBe(true)

        const since = isoDay(Date.parse(`${cursorOf("payrolls")}T00:00:00Z`) - 31 * DAY)
        const payrolls = by("payrolls", second)
        expect(payrolls.map((p) => p["id"])).toContain(payroll["id"])
        expect(payrolls.every((p) => String(p["pay_date"]) >= since)).toBe(true)
        const payrollIds = new Set(payrolls.map((p) => p["id"]))
        expect(by("payroll_fees", second).every((f) => payrollIds.has(f["payroll_id"]))).toBe(true)
        expect(by("paystubs", second).every((s) => payrollIds.has(s["payroll_id"]))).toBe(true)
        // paystubs do not change once issued: only the new run's are read in detail
        const newStubs = new Set(mock.store.paystubIds(String(payroll["id"])))
        expect(new Set(by("paystub_details", second).map((d) => d["paystub_id"]))).toEqual(newStubs)
        expect(second.requests.get("paystub_details")).toBe(newStubs.size)

        const requests = by("time_off_requests", second)
        expect(requests.map((r) => r["id"])).toContain(request.id)
        const requestsSince = isoDay(Date.parse(`${cursorOf("time_off_requests")}T00:00:00Z`) - 31 * DAY)
        expect(requests.every((r) => String(r["start_date"]) >= requestsSince || String(r["end_date"]) >= requestsSince)).toBe(true)
        expect(requests.length).toBeLessThan(by("time_off_requests", full).length)

        // balances are a snapshot per day: the second read, the same day, makes no report
        expect(by("time_off_balances", second)).toEqual([])
        expect(second.requests.get("time_off_balances")).toBe(0)
        expect(cursorOf("time_off_balances")).toBe(today)
      }).pipe(Effect.provide(connectorLayer({ mock })))
    })), 120_000)
})
