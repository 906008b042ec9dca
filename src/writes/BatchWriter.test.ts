/**
 * Batch writes against the stateful mock: faults after the server applied a batch, 5xx and resets never
 * duplicate a deduction or lose a row; a stopped run resumes from its journal; invalid rows are reported
 * with their lines and nothing is sent; update and cancel follow the same rules.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Layer, Stream } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { mockServer } from "../../mocks/mockServer.js"
import type { MockServer } from "../../mocks/startMockServer.js"
import { connectorLayer } from "../../test-support/connectorLayer.js"
import { deductionRows, jsonLines } from "../../test-support/deductionRows.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { BatchWriter, type RowResult, type WriteOptions } from "./BatchWriter.js"
import { parseRows, rowsOfValues } from "./InputRows.js"
import * as SqliteWriteJournal from "./SqliteWriteJournal.js"
import { WriteJournal } from "./WriteJournal.js"

const withWriter = <A, E>(
  options: Parameters<typeof mockServer>[0] & { readonly maxAttempts?: number },
  body: (mock: MockServer, writer: BatchWriter["Type"]) => Effect.Effect<A, E, BatchWriter>
) =>
  Effect.scoped(Effect.gen(function*() {
    const mock = yield* mockServer({ members: 400, ...options })
    return yield* Effect.gen(function*() {
      yield* seedMockConnection(mock, "test")
      return yield* body(mock, yield* BatchWriter)
    }).pipe(Effect.provide(connectorLayer({
      mock,
      // the transport's deadlines have a resolution of about half a second
      requestTimeout: Duration.seconds(1),
      retry: { base_delay: Duration.millis(10), max_delay: Duration.millis(50), max_attempts: options.maxAttempts ?? 6 }
    })))
  }))

/** `withWriter` with a SQLite write journal in a temporary directory, removed afterwards. */
const withJournal = <A, E>(
  options: Parameters<typeof withWriter>[0],
  body: (mock: MockServer, writer: BatchWriter["Type"], journal: WriteJournal["Type"]) => Effect.Effect<A, E, BatchWriter>
) => {
  const dir = mkdtempSync(join(tmpdir(), "justworks-journal-"))
  return withWriter(options, (mock, writer) =>
    Effect.flatMap(WriteJournal, (journal) => body(mock, writer, journal)).pipe(Effect.provide(SqliteWriteJournal.layer(join(dir, "state.db"))))
  ).pipe(Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
}

const writeAll = (writer: BatchWriter["Type"], action: string, values: ReadonlyArray<unknown>, options?: WriteOptions) =>
  Effect.gen(function*() {
    const plan = yield* writer.plan(action, rowsOfValues(values))
    return Chunk.toArray(yield* Stream.runCollect(writer.write(plan, options)))
  })

/** The ids of `n` deductions created for the test, each with its row of `cancel_deductions`; the log cleared. */
const createdToCancel = (mock: MockServer, writer: BatchWriter["Type"], n: number) =>
  Effect.map(writeAll(writer, "create_deductions", deductionRows(mock, n)), (created) => {
    mock.clearLog()
    const ids = created.map((r) => r.id!)
    return { ids, rows: ids.map((id) => ({ deduction_id: id })) }
  })

const statuses = (results: ReadonlyArray<RowResult>) =>
  results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {})

const posts = (mock: MockServer, path = "/v1/deductions") => mock.requests.filter((r) => r.method !== "GET" && r.path === path)

/** Every created deduction once, matching its row. */
const expectCreatedOnce = (mock: MockServer, rows: ReadonlyArray<Record<string, unknown>>) => {
  const written = mock.store.writtenDeductions()
  expect(written).toHaveLength(rows.length)
  expect(new Set(written.map((d) => d.operation_id)).size).toBe(rows.length)
  const fingerprint = (d: Readonly<Record<string, unknown>>) => `${d["member_id"]}|${d["description"]}|${d["amount"]}`
  expect(new Set(written.map((d) => fingerprint({ ...d })))).toEqual(new Set(rows.map(fingerprint)))
}

describe("batch writes", () => {
  it.live("1,000 rows through applied-then-reset, a timeout after applying, 5xx and resets: 1,000 deductions, no duplicate, 1,000 results", () =>
    withWriter({
      faults: [
        { kind: "apply_then_reset", at: [2, 6], path: "/v1/deductions", method: "POST" },
        { kind: "server_error", at: [3], status: 503, path: "/v1/deductions", method: "POST" },
        { kind: "reset", at: [5], path: "/v1/deductions", method: "POST" },
        { kind: "slow", delayMs: 2_500, at: [9], path: "/v1/deductions", method: "POST" },
        { kind: "apply_then_reset", at: [12], path: "/v1/deductions", method: "POST" }
      ]
    }, (mock, writer) =>
      Effect.gen(function*() {
        const rows = deductionRows(mock, 1_000)
        const results = yield* writeAll(writer, "create_deductions", rows)
        expect(results).toHaveLength(1_000)
        expect(statuses(results)).toEqual({ applied: 1_000 })
        expect(new Set(results.map((r) => r.position)).size).toBe(1_000)
        expect(results.every((r) => r.id !== null && r.key?.startsWith("jwc-"))).toBe(true)
        expectCreatedOnce(mock, rows)
        // the faults did happen: batches were applied and sent again (the slow answer is logged once sent)
        for (let waited = 0; posts(mock).length < 16 && waited < 3_000; waited += 100) yield* Effect.sleep(Duration.millis(100))
        const inOrder = [...posts(mock)].sort((x, y) => x.n - y.n)
        expect(inOrder.filter((r) => r.fault !== undefined).map((r) => r.fault)).toEqual([
          "apply_then_reset", "server_error", "reset", "apply_then_reset", "slow", "apply_then_reset"
        ])
        expect(posts(mock).length).toBe(16)
      })), 60_000)

  it.live("the same input sent again creates nothing twice: the derived operation ids are the same", () =>
    withWriter({}, (mock, writer) =>
      Effect.gen(function*() {
        const rows = deductionRows(mock, 250)
        const first = yield* writeAll(writer, "create_deductions", rows)
        // fields in another order: the same rows
        const reordered = rows.map((r) => Object.fromEntries(Object.entries(r).reverse()))
        const second = yield* writeAll(writer, "create_deductions", reordered)
        expect(second.map((r) => r.key)).toEqual(first.map((r) => r.key))
        expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id))
        expectCreatedOnce(mock, rows)
      })))

  it.live("a batch that keeps failing stops the run with every row reported; resuming from the SQLite journal completes it", () =>
    withJournal({
      maxAttempts: 2,
      faults: [
        { kind: "apply_then_reset", at: [4], path: "/v1/deductions", method: "POST" },
        { kind: "server_error", at: [5], status: 502, path: "/v1/deductions", method: "POST" }
      ]
    }, (mock, writer, journal) =>
      Effect.gen(function*() {
        const rows = deductionRows(mock, 1_000)
        const first = yield* writeAll(writer, "create_deductions", rows, { journal })
        expect(first).toHaveLength(1_000)
        expect(statuses(first)).toEqual({ applied: 300, unknown: 100, not_sent: 600 })
        const failed = first.find((r) => r.status === "unknown")!
        expect(failed.error).toMatch(/HTTP 502.*the outcome is unknown: resuming the run sends the row again/)
        // batch 4 was applied before its connection was reset
        expect(mock.store.writtenDeductions()).toHaveLength(400)

        const resumed = yield* writeAll(writer, "create_deductions", rows, { journal, resume: true })
        expect(resumed).toHaveLength(1_000)
        expect(statuses(resumed)).toEqual({ applied: 1_000 })
        expect(resumed.filter((r) => r.resumed)).toHaveLength(300)
        expect(new Set(resumed.map((r) => r.position)).size).toBe(1_000)
        expectCreatedOnce(mock, rows)

        // a finished run resumed again reports everything from the journal and sends nothing
        const before = posts(mock).length
        const again = yield* writeAll(writer, "create_deductions", rows, { journal, resume: true })
        expect(again.every((r) => r.resumed && r.status === "applied")).toBe(true)
        expect(posts(mock).length).toBe(before)
      })), 60_000)

  it.live("a cancel whose every send broke after the API acted: resumed, the rows say the lost sends may have applied them", () =>
    withJournal({ maxAttempts: 2 }, (mock, writer, journal) =>
      Effect.gen(function*() {
        const { ids, rows } = yield* createdToCancel(mock, writer, 3)
        mock.setFaults([{ kind: "apply_then_reset", at: [1, 2], path: "/v1/deductions/cancel" }])
        const first = yield* writeAll(writer, "cancel_deductions", rows, { journal })
        expect(statuses(first)).toEqual({ unknown: 3 })
        expect(mock.store.writtenDeductions().every((d) => d.canceled)).toBe(true)
        // resumed while the API refuses every send (429): the earlier unclear send still stands
        mock.setFaults([{ kind: "rate_limit", at: [1, 2], path: "/v1/deductions/cancel", retryAfter: { seconds: 0 } }])
        mock.clearLog()
        const refused = yield* writeAll(writer, "cancel_deductions", rows, { journal, resume: true })
        expect(refused.map((r) => [r.status, r.resend])).toEqual(ids.map(() => ["unknown", true]))
        expect(refused[0]!.error).toMatch(/; the outcome is unknown: resuming the run sends the row again$/)
        mock.setFaults([])
        const resumed = yield* writeAll(writer, "cancel_deductions", rows, { journal, resume: true })
        expect(resumed.map((r) => [r.status, r.error])).toEqual(ids.map(() => [
          "unchanged",
          "Deduction is already canceled. This row had been sent before with an unclear outcome: that send may be what applied it."
        ]))
      })), 60_000)

  it.live("a cancel refused to the end (429): not applied, and resumed after someone else canceled, the rows are simply unchanged", () =>
    withJournal({ maxAttempts: 2 }, (mock, writer, journal) =>
      Effect.gen(function*() {
        const { ids, rows } = yield* createdToCancel(mock, writer, 2)
        mock.setFaults([{ kind: "rate_limit", at: [1, 2], path: "/v1/deductions/cancel", retryAfter: { seconds: 0 } }])
        const first = yield* writeAll(writer, "cancel_deductions", rows, { journal })
        expect(first.map((r) => [r.status, r.resend])).toEqual([["failed", true], ["failed", true]])
        expect(first[0]!.error).toMatch(/rate limited.*; not applied: resuming the run sends the row again$/)
        expect(mock.store.writtenDeductions().some((d) => d.canceled)).toBe(false)
        // someone else cancels them meanwhile
        mock.setFaults([])
        yield* writeAll(writer, "cancel_deductions", rows)
        const resumed = yield* writeAll(writer, "cancel_deductions", rows, { journal, resume: true })
        expect(resumed.map((r) => [r.status, r.error])).toEqual(ids.map(() => ["unchanged", "Deduction is already canceled."]))
      })), 60_000)

  it.live("invalid rows are reported with their lines and every problem; nothing is sent unless partial", () =>
    withWriter({}, (mock, writer) =>
      Effect.gen(function*() {
        const [a, b, c] = deductionRows(mock, 3) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]
        const text = [
          JSON.stringify(a),
          "",
          JSON.stringify({ ...b, amount: 12.5, currency: "usd" }),
          "{not json",
          JSON.stringify({ ...b, frequency: "weekly", start_date: "2026-02-30" }),
          JSON.stringify({ ...b, end_date: "2026-01-01" }),
          JSON.stringify({ ...b, member_id: undefined, description: "x".repeat(256) }),
          JSON.stringify({ ...b, amount_cents: 100 }),
          JSON.stringify(a),
          JSON.stringify(c),
          "[1]"
        ].join("\n")
        const plan = yield* writer.plan("create_deductions", parseRows(text, "items"))
        const problems = Object.fromEntries(plan.invalid.map((r) => [r.row.line, r.problems.join(" | ")]))
        expect(Object.keys(problems).map(Number)).toEqual([3, 4, 5, 6, 7, 8, 9, 11])
        expect(problems[3]).toMatch(/^amount: Expected an integer \| currency: Expected a string matching \^\[A-Z\]\{3\}\$$/)
        expect(problems[4]).toBe("not JSON: Expected property name or '}' at column 2")
        expect(problems[5]).toMatch(/^frequency: Expected one of "one_time", "every_paycheck" \| start_date: Expected a date \(YYYY-MM-DD\)/)
        expect(problems[6]).toBe("end_date: is before start_date")
        expect(problems[7]).toMatch(/member_id: is missing.*description: /)
        expect(problems[8]).toMatch(/^unknown field "amount_cents"; fields: operation_id, member_id/)
        expect(problems[9]).toMatch(/^the same row as line 1 \(identical content gives the same operation_id\)/)
        expect(problems[11]).toBe("must be a JSON object")
        expect(plan.valid.map((r) => r.row.line)).toEqual([1, 10])
        // where and what was expected, never the rows' values (the problems are printed and journaled)
        for (const value of ["12.5", "usd", "not json", "weekly", "2026-02-30", "2026-01-01", "xxxxx"]) {
          expect(Object.values(problems).join("\n")).not.toContain(value)
        }

        const refused = yield* Effect.flip(Stream.runDrain(writer.write(plan)))
        expect(refused.message).toMatch(/^8 of 10 rows are invalid \(first: line 3: amount: .*\); nothing was sent$/)
        expect(posts(mock)).toHaveLength(0)

        const partial = Chunk.toArray(yield* Stream.runCollect(writer.write(plan, { partial: true })))
        expect(partial.map((r) => [r.line, r.status])).toEqual([
          [3, "invalid"], [4, "invalid"], [5, "invalid"], [6, "invalid"], [7, "invalid"], [8, "invalid"], [9, "invalid"], [11, "invalid"],
          [1, "applied"], [10, "applied"]
        ])
        expect(mock.store.writtenDeductions()).toHaveLength(2)
      })))

  it.live("update and cancel: per-row results; an already canceled deduction is reported unchanged and the batch goes on", () =>
    withWriter({}, (mock, writer) =>
      Effect.gen(function*() {
        const created = yield* writeAll(writer, "create_deductions", deductionRows(mock, 150))
        const ids = created.map((r) => r.id!)
        const updates = ids.map((id, i) => ({ deduction_id: id, amount: 5_000 + i }))
        const updated = yield* writeAll(writer, "update_deductions", [...updates, { deduction_id: "no-such-deduction", amount: 100 }])
        expect(statuses(updated)).toEqual({ applied: 150, failed: 1 })
        expect(updated[150]).toMatchObject({ status: "failed", key: "no-such-deduction", error: "No deduction with id no-such-deduction." })
        expect(mock.store.writtenDeductions().map((d) => d.amount)).toEqual(updates.map((u) => u.amount))

        yield* writeAll(writer, "cancel_deductions", [{ deduction_id: ids[7] }])
        mock.clearLog()
        mock.setFaults([{ kind: "apply_then_reset", at: [1], path: "/v1/deductions/cancel" }])
        const canceled = yield* writeAll(writer, "cancel_deductions", ids.map((id) => ({ deduction_id: id })))
        // batch 1 was applied, its answer lost, and sent again: "already canceled" is what the row asked for, and
        // its message says that the lost send may be what did it (row 8 was canceled before this run: it may not)
        expect(statuses(canceled)).toEqual({ unchanged: 100, applied: 50 })
        const sentTwice = "Deduction is already canceled. This row had been sent before with an unclear outcome: that send may be what applied it."
        expect(canceled[7]).toMatchObject({ status: "unchanged", id: ids[7], error: sentTwice })
        expect(canceled[99]).toMatchObject({ status: "unchanged", id: ids[99], error: sentTwice })
        expect(mock.store.writtenDeductions().every((d) => d.canceled)).toBe(true)
        expect(posts(mock, "/v1/deductions/cancel")).toHaveLength(3)
        // a row canceled before, in a batch sent once, or again after a 429 (which says the API did not act): just
        // the API's message
        yield* writeAll(writer, "cancel_deductions", [{ deduction_id: ids[0] }]).pipe(
          Effect.map((again) => expect(again[0]).toMatchObject({ status: "unchanged", error: "Deduction is already canceled." }))
        )
        mock.clearLog()
        mock.setFaults([{ kind: "rate_limit", at: [1], path: "/v1/deductions/cancel", retryAfter: { seconds: 0 } }])
        const limited = yield* writeAll(writer, "cancel_deductions", [{ deduction_id: ids[1] }])
        expect(posts(mock, "/v1/deductions/cancel")).toHaveLength(2)
        expect(limited[0]).toMatchObject({ status: "unchanged", error: "Deduction is already canceled." })
      })))

  it.live("a connection without deductions:write is refused before anything is sent or journaled", () =>
    Effect.scoped(Effect.gen(function*() {
      const mock = yield* mockServer({ members: 30 })
      yield* Effect.gen(function*() {
        yield* seedMockConnection(mock, "test", ["deductions:read", "member.basic:read"])
        const writer = yield* BatchWriter
        const journal = yield* WriteJournal
        const plan = yield* writer.plan("create_deductions", rowsOfValues(deductionRows(mock, 3)))
        const error = yield* Effect.flip(Stream.runDrain(writer.write(plan, { journal })))
        expect(error.message).toMatch(/the connection lacks deductions:write; reconnect with the preset deductions selected/)
        expect(yield* journal.latest({ connectionId: "test", action: "create_deductions", digest: plan.digest })).toBeUndefined()
        expect(posts(mock)).toHaveLength(0)
      }).pipe(
        Effect.provide(Layer.merge(connectorLayer({ mock }), Layer.effect(WriteJournal, WriteJournal.makeMemory)))
      )
    })))

  it("JSON Lines, an array of rows, or the request body: each row keeps its line or position", () => {
    expect(parseRows('{"a":1}\n\n  \n{"b":2}\n', "items").map((r) => [r.line, r.value])).toEqual([[1, { a: 1 }], [4, { b: 2 }]])
    expect(parseRows('[{"a":1},{"b":2}]', "items").map((r) => [r.position, r.line])).toEqual([[1, undefined], [2, undefined]])
    expect(parseRows('{\n  "deduction_ids": ["x", "y"]\n}', "deduction_ids").map((r) => r.value)).toEqual(["x", "y"])
    expect(parseRows('{"a":1}\n{oops', "items")[1]).toMatchObject({ line: 2, value: undefined, unparsable: expect.any(String) })
    expect(jsonLines([{ a: 1 }])).toBe('{"a":1}\n')
  })
})
