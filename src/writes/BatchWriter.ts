/**
 * Runs batch actions (deduction create, update, cancel): plans the rows (validated in full, keys derived),
 * sends them in batches of the manifest's size through the HTTP pipeline (a batch that fails transiently
 * is retried whole by the pipeline's retry schedule; the idempotency keys make that safe), and reports one
 * result per input row, recording each outcome in the write journal first. A batch that still fails stops
 * the run: its rows are reported `unknown` (it may or may not have been applied) or, when the API certainly
 * did not act on it, `failed`, and the rest `not_sent`; `resume` continues it.
 */
import { Context, Effect, Either, Layer, Option, Ref, Stream } from "effect"
import { ActionRunner, type ActionError } from "../actions/ActionRunner.js"
import { AuthorizedConnection } from "../auth/AuthorizedConnection.js"
import type { TokenError } from "../auth/Credentials.js"
import { ApiClient } from "../http/ApiClient.js"
import type { BatchContract } from "../model/Connector.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { recordSelector } from "../runtime/selectRecords.js"
import { rowLabel, type InputRow } from "./InputRows.js"
import { WriteError } from "./WriteError.js"
import { isFinal, WriteJournal, type JournalRow, type JournalState, type JournalUpdate } from "./WriteJournal.js"
import { batchesOf, makePlanner, type PlannedBatch, type PlannedRow, type WritePlan } from "./WritePlan.js"
import { redactText } from "../redaction/redact.js"

/**
 * - `applied`: the API applied the row
 * - `unchanged`: the API reported it already in the requested state (e.g. already canceled). When the row had
 *   been sent before with an unclear outcome (a connection that broke once the request was out, a server
 *   error, a resumed run), its message says that this earlier send may be what applied it
 * - `failed`: the API refused it (its message says why); when it refused the whole batch (still rate limited
 *   after the retries, a refused connection, a 4xx), resuming the run sends it again
 * - `unknown`: its batch failed with an unclear outcome (a server error or a broken connection to the end of
 *   the retries): it may or may not have been applied; resuming the run sends it again, which the idempotency
 *   key makes safe
 * - `invalid`: it failed validation and was not sent
 * - `not_sent`: the run stopped before its batch
 */
export type RowStatus = "applied" | "unchanged" | "failed" | "unknown" | "invalid" | "not_sent"

export interface RowResult {
  readonly position: number
  readonly line: number | undefined
  readonly status: RowStatus
  /** the row's key: its idempotency key (given or derived) or the declared key field's value */
  readonly key: string | null
  /** the id of the object the API changed */
  readonly id: string | null
  readonly error: string | null
  readonly batch: number | null
  /** reported from the journal of the run being resumed */
  readonly resumed: boolean
  /** not settled: resuming the run sends it again (`unknown`, `not_sent`, and `failed` with its whole batch) */
  readonly resend: boolean
}

export interface WriteOptions {
  /** send the valid rows even though others are invalid (those are reported, not sent) */
  readonly partial?: boolean | undefined
  /** continue the latest run of the same input: rows with an outcome are reported from the journal */
  readonly resume?: boolean | undefined
  /** where outcomes are recorded (default: this service's in-memory journal) */
  readonly journal?: WriteJournal["Type"] | undefined
}

export class BatchWriter extends Context.Tag("justworks-connector/BatchWriter")<BatchWriter, {
  /** the actions that take rows */
  readonly actions: ReadonlyArray<string>
  readonly contract: (action: string) => Either.Either<BatchContract, WriteError>
  /** validate rows and derive their keys; sends nothing */
  readonly plan: (action: string, rows: ReadonlyArray<InputRow>) => Effect.Effect<WritePlan, WriteError>
  /** send a plan's valid rows; one result per input row */
  readonly write: (plan: WritePlan, options?: WriteOptions) => Stream.Stream<RowResult, WriteError | ActionError | TokenError>
}>() {
  static make = Effect.gen(function*() {
    const { actions: declared, spec } = yield* ConnectorModel
    const api = yield* ApiClient
    const runner = yield* ActionRunner
    const connection = yield* AuthorizedConnection
    const memory = yield* WriteJournal.makeMemory

    const actions = [...declared.values()].filter((a) => a.batch !== undefined).map((a) => a.id)
    const contractOf = (id: string): BatchContract | undefined => declared.get(id)?.batch
    // an action's row schema is worked out on its first use, not when the service starts
    const planners = new Map<string, ReturnType<typeof makePlanner>>()
    const plannerOf = (contract: BatchContract) => {
      let planner = planners.get(contract.action)
      if (planner === undefined) {
        planner = makePlanner(contract, spec.document)
        planners.set(contract.action, planner)
      }
      return planner
    }

    const lookup = (action: string) => {
      const found = contractOf(action)
      return found === undefined
        ? Either.left(new WriteError({
          reason: "NotBatch",
          action,
          message: `action ${action} does not take rows; batch actions: ${actions.join(", ")}`
        }))
        : Either.right(found)
    }

    const plan = (action: string, rows: ReadonlyArray<InputRow>) =>
      Effect.map(lookup(action), (contract) => plannerOf(contract).plan(rows))

    const write = (plan: WritePlan, options: WriteOptions = {}) =>
      Stream.unwrap(Effect.gen(function*() {
        const c = plan.contract
        if (plan.invalid.length > 0 && options.partial !== true) {
          return yield* new WriteError({
            reason: "InvalidRows",
            action: c.action,
            message: `${plan.invalid.length} of ${plan.rows.length} rows are invalid (first: ${rowLabel(plan.invalid[0]!.row)}: ${plan.invalid[0]!.problems.join("; ")}); nothing was sent`
          })
        }
        yield* runner.authorize(c.action)
        const journal = options.journal ?? memory
        const identity = { connectionId: connection.connectionId, action: c.action, digest: plan.digest }
        const prior = options.resume === true ? yield* journal.latest(identity) : undefined
        if (options.resume === true && prior === undefined) {
          yield* Effect.logWarning(`${c.action}: no earlier run of this input in ${journal.location}; sending every row`)
        }

        const lineOf = new Map(plan.rows.map((r) => [r.position, r.line]))
        const result = (position: number, status: RowStatus, fields: Partial<RowResult>): RowResult => ({
          position,
          line: lineOf.get(position),
          status,
          key: null,
          id: null,
          error: null,
          batch: null,
          resumed: false,
          resend: status === "unknown" || status === "not_sent",
          ...fields
        })
        const invalidResults = plan.invalid.map((r) => result(r.row.position, "invalid", { key: r.key, error: r.problems.join("; ") }))

        /** rows an earlier run of this input sent with an unclear outcome (or was sending when it stopped) */
        const sentBefore = new Set(prior?.rows.filter((r) => r.state === "sent").map((r) => r.position) ?? [])
        let runId: string
        let earlier: Array<RowResult> = []
        let todo: ReadonlyArray<PlannedRow>
        let firstBatch = 1
        if (prior !== undefined) {
          runId = prior.runId
          const done = prior.rows.filter((r) => isFinal(r.state))
          const donePositions = new Set(done.map((r) => r.position))
          earlier = done.map((r) => result(r.position, statusOf(r.state), { key: r.key, id: r.id, error: r.message, batch: r.batch, resumed: true }))
          todo = plan.valid.filter((r) => !donePositions.has(r.row.position))
          firstBatch = 1 + prior.rows.reduce((max, r) => Math.max(max, r.batch ?? 0), 0)
        } else {
          const rows: Array<JournalRow> = [
            ...plan.valid.map((r): JournalRow => ({ position: r.row.position, label: rowLabel(r.row), key: r.key, state: "pending", id: null, message: null, batch: null })),
            ...plan.invalid.map((r): JournalRow => ({
              position: r.row.position, label: rowLabel(r.row), key: r.key, state: "invalid", id: null, message: r.problems.join("; "), batch: null
            }))
          ].sort((a, b) => a.position - b.position)
          runId = yield* journal.begin(identity, rows)
          earlier = invalidResults
          todo = plan.valid
        }

        const stopped = yield* Ref.make(Option.none<string>())
        const selectResults = recordSelector(c.results.results)

        /**
         * A batch without a usable answer stops the run. When a send of it failed unclearly, the API may have
         * applied it: its rows are `unknown` (journaled as sent); else (a 429 to the end, a refused connection, a
         * 4xx) they were not applied: `failed`, journaled as pending. Resuming sends either again.
         */
        const batchFailed = (batch: PlannedBatch, reason: string, unclear: boolean) =>
          Effect.gen(function*() {
            yield* Ref.set(stopped, Option.some(`batch ${batch.number} failed`))
            // a row an earlier run sent with an unclear outcome stays unclear, whatever this send's answer
            const unclearRow = (r: PlannedRow) => unclear || sentBefore.has(r.row.position)
            yield* journal.update(runId, batch.rows.map((r) => ({
              position: r.row.position,
              state: unclearRow(r) ? "sent" as const : "pending" as const,
              id: null,
              message: reason,
              batch: batch.number
            })))
            return batch.rows.map((r) =>
              result(r.row.position, unclearRow(r) ? "unknown" : "failed", {
                key: r.key,
                batch: batch.number,
                resend: true,
                error: unclearRow(r)
                  ? `${reason}; the outcome is unknown: resuming the run sends the row again`
                  : `${reason}; not applied: resuming the run sends the row again`
              })
            )
          })

        const send = (batch: PlannedBatch) =>
          Effect.gen(function*() {
            yield* journal.update(runId, batch.rows.map((r) => ({ position: r.row.position, state: "sent" as const, id: null, message: null, batch: batch.number })))
            const track = { unclear: false }
            const answer = yield* Effect.either(api.callTracked(c.endpointId, { body: batch.body }, track))
            if (Either.isLeft(answer)) return yield* batchFailed(batch, answer.left.message, track.unclear)
            // (an answer the rows cannot be matched with still says the API acted on the batch)
            const selected = selectResults(answer.right)
            if (!selected.ok) return yield* batchFailed(batch, `the API's answer has no results: ${selected.detail}`, true)
            const items = selected.records
            if (items.length !== batch.rows.length) {
              return yield* batchFailed(batch, `the API answered ${items.length} results for ${batch.rows.length} items`, true)
            }
            const echo = c.idempotencyKey
            const mismatch = echo === undefined ? -1 : items.findIndex((item, i) => typeof item[echo] === "string" && item[echo] !== batch.rows[i]!.key)
            if (mismatch >= 0) return yield* batchFailed(batch, `the API's result ${mismatch + 1} is for another ${echo} than the item sent`, true)

            const updates: Array<JournalUpdate> = []
            const results = items.map((item, i) => {
              const row = batch.rows[i]!
              // redacted as any API message is: it may echo what the row carried
              const message = typeof item[c.results.message_field] === "string" ? redactText(item[c.results.message_field] as string) : null
              const idValue = item[c.results.id_field]
              const id = typeof idValue === "string" ? idValue : null
              const state: JournalState = item[c.results.success_field] === true
                ? "applied"
                : c.unchangedWhen !== undefined && message !== null && message.toLowerCase().includes(c.unchangedWhen.toLowerCase())
                ? "unchanged"
                : "failed"
              // already done, and sent before with an unclear outcome: whether that send or someone else did it is unknown
              const sentEarlier = track.unclear || sentBefore.has(row.row.position)
              const error = state === "applied"
                ? null
                : state === "unchanged" && sentEarlier
                ? `${message} This row had been sent before with an unclear outcome: that send may be what applied it.`
                : message ?? "the API reported no reason"
              updates.push({ position: row.row.position, state, id, message: error, batch: batch.number })
              return result(row.row.position, statusOf(state), { key: row.key, id, error, batch: batch.number })
            })
            yield* journal.update(runId, updates)
            return results
          })

        const notSent = (batch: PlannedBatch, why: string) =>
          batch.rows.map((r) => result(r.row.position, "not_sent", { key: r.key, error: `not sent: ${why}; resuming the run sends it` }))

        const sent = Stream.fromIterable(batchesOf(c, todo, firstBatch)).pipe(
          Stream.mapEffect((batch) =>
            Effect.flatMap(Ref.get(stopped), Option.match({
              onNone: () => send(batch),
              onSome: (why) => Effect.succeed(notSent(batch, why))
            }))
          ),
          Stream.flattenIterables
        )
        const finish = Stream.fromEffect(
          Effect.flatMap(Ref.get(stopped), (s) => (Option.isNone(s) ? journal.finish(runId) : Effect.void))
        ).pipe(Stream.drain)
        return Stream.concat(Stream.concat(Stream.fromIterable(earlier), sent), finish)
      }))

    return BatchWriter.of({
      actions,
      contract: lookup,
      plan,
      write
    })
  })

  static layer = Layer.effect(BatchWriter, BatchWriter.make)
}

const statusOf = (state: JournalState): RowStatus =>
  state === "pending" || state === "sent" ? "unknown" : state
