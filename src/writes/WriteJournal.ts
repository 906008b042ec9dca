/**
 * Where a batch write records each row's outcome as it goes, so a run that stopped (crash, kill, lost
 * network) can be resumed: rows with an outcome are reported from the journal, the others are sent again.
 * A row is `pending` until its batch is sent (or again when the API refused the whole batch: not applied),
 * `sent` while the batch is in flight (or when its outcome is unknown), then `applied`, `unchanged` or
 * `failed` as the API answered; `invalid` rows were never sent. Resuming sends `pending` and `sent` rows.
 * In memory here; `SqliteWriteJournal` keeps it in a SQLite file.
 */
import { Clock, Context, Effect } from "effect"
import type { WriteError } from "./WriteError.js"

export type JournalState = "pending" | "sent" | "applied" | "unchanged" | "failed" | "invalid"

/** States the API (or validation) decided: a resumed run does not send these rows again. */
export const isFinal = (state: JournalState): boolean => state !== "pending" && state !== "sent"

export interface JournalRow {
  readonly position: number
  /** "line 12" */
  readonly label: string
  readonly key: string | null
  readonly state: JournalState
  /** the affected object's id, from the API's result */
  readonly id: string | null
  readonly message: string | null
  readonly batch: number | null
}

export type JournalUpdate = Pick<JournalRow, "position" | "state" | "id" | "message" | "batch">

/** One input of one action on one connection. */
export interface RunIdentity {
  readonly connectionId: string
  readonly action: string
  readonly digest: string
}

export interface JournalRun {
  readonly runId: string
  readonly startedAt: Date
  readonly finishedAt: Date | null
  readonly rows: ReadonlyArray<JournalRow>
}

export class WriteJournal extends Context.Tag("justworks-connector/WriteJournal")<WriteJournal, {
  /** for messages: e.g. `the database tokens.db` */
  readonly location: string
  /** the latest run of this input, if any */
  readonly latest: (identity: RunIdentity) => Effect.Effect<JournalRun | undefined, WriteError>
  /** record a new run with its rows; returns its id */
  readonly begin: (identity: RunIdentity, rows: ReadonlyArray<JournalRow>) => Effect.Effect<string, WriteError>
  /** change the state of rows of a run, atomically */
  readonly update: (runId: string, rows: ReadonlyArray<JournalUpdate>) => Effect.Effect<void, WriteError>
  /** mark a run finished: every row has its outcome */
  readonly finish: (runId: string) => Effect.Effect<void, WriteError>
}>() {
  /** A journal in memory: resumable within the process (library callers give their own for more). */
  static makeMemory: Effect.Effect<WriteJournal["Type"]> = Effect.sync(() => {
    const runs = new Map<string, { identity: RunIdentity; run: JournalRun; rows: Map<number, JournalRow> }>()
    let counter = 0
    const snapshot = (entry: { run: JournalRun; rows: Map<number, JournalRow> }): JournalRun => ({
      ...entry.run,
      rows: [...entry.rows.values()].sort((a, b) => a.position - b.position)
    })
    return WriteJournal.of({
      location: "memory",
      latest: (identity) =>
        Effect.sync(() => {
          const matching = [...runs.values()].filter((e) =>
            e.identity.connectionId === identity.connectionId && e.identity.action === identity.action && e.identity.digest === identity.digest
          )
          const last = matching[matching.length - 1]
          return last === undefined ? undefined : snapshot(last)
        }),
      begin: (identity, rows) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const runId = `run-${++counter}`
          runs.set(runId, {
            identity,
            run: { runId, startedAt: new Date(now), finishedAt: null, rows: [] },
            rows: new Map(rows.map((r) => [r.position, r]))
          })
          return runId
        }),
      update: (runId, updates) =>
        Effect.sync(() => {
          const entry = runs.get(runId)
          if (entry === undefined) return
          for (const u of updates) {
            const row = entry.rows.get(u.position)
            if (row !== undefined) entry.rows.set(u.position, { ...row, ...u })
          }
        }),
      finish: (runId) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const entry = runs.get(runId)
          if (entry !== undefined) entry.run = { ...entry.run, finishedAt: new Date(now) }
        })
    })
  })
}
