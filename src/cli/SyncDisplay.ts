/**
 * How `sync` shows its progress on stderr. On a TTY: a live view redrawn ten times a second (records and rate
 * per stream); otherwise plain log lines. Both end with a summary table (stream, records, seconds).
 */
import { Clock, Context, Effect, Layer, Ref, Schedule } from "effect"
import type { ProblemCount } from "../driver/Sink.js"
import { SyncProgress, type SyncEvent } from "../sync/SyncProgress.js"
import { describeError } from "./describeError.js"
import { formatCount, formatSeconds, renderTable } from "./renderTable.js"
import { colors, writeTo } from "./terminal.js"

type Status = "queued" | "running" | "done" | "failed"

interface Row {
  readonly stream: string
  readonly status: Status
  readonly records: number
  readonly requests: number
  readonly deleted: number
  readonly problems: ReadonlyArray<ProblemCount>
  readonly startedAt: number | undefined
  readonly endedAt: number | undefined
  readonly resumeFrom: string | undefined
  /** when a plain progress line was last printed */
  readonly loggedAt: number
}

export class SyncDisplay extends Context.Tag("justworks-connector/cli/SyncDisplay")<SyncDisplay, {
  /** show the header and the streams about to be synced */
  readonly begin: (header: string, streams: ReadonlyArray<string>) => Effect.Effect<void>
  readonly report: (event: SyncEvent) => Effect.Effect<void>
  /** a line about the run as a whole (e.g. the config file rewritten), above the live view */
  readonly note: (line: string) => Effect.Effect<void>
  /** stop the live view, print the summary table and a closing line */
  readonly finish: (footer: string) => Effect.Effect<void>
}>() {
  /** the live view on a TTY, plain lines otherwise */
  static layer = (tty: boolean): Layer.Layer<SyncDisplay> => Layer.scoped(SyncDisplay, make(tty))

  /** the sync job's progress, shown by the display */
  static progress: Layer.Layer<SyncProgress, never, SyncDisplay> = Layer.effect(
    SyncProgress,
    Effect.map(SyncDisplay, (display) => SyncProgress.of({ report: display.report }))
  )
}

const rate = (row: Row, now: number): string => {
  if (row.startedAt === undefined) return ""
  const seconds = ((row.endedAt ?? now) - row.startedAt) / 1000
  return seconds < 0.05 ? "" : `${formatCount(Math.round(row.records / seconds))}/s`
}

const records = (n: number) => `${formatCount(n)} record${n === 1 ? "" : "s"}`

const elapsed = (row: Row, now: number) =>
  row.startedAt === undefined ? 0 : (row.endedAt ?? now) - row.startedAt

const make = (tty: boolean) =>
  Effect.gen(function*() {
    const c = colors(process.stderr)
    const rows = yield* Ref.make(new Map<string, Row>())
    /** values kept in `_raw` (their type changed), by `stream\u0000field`: [stream, field, column type, records] */
    const raw = yield* Ref.make(new Map<string, [string, string, string, number]>())
    const drawn = yield* Ref.make(0)
    const live = yield* Ref.make(false)
    const err = (text: string) => writeTo(process.stderr, text)
    // the live view and the lines printed above it never interleave
    const screen = yield* Effect.makeSemaphore(1)

    const update = (stream: string, f: (row: Row) => Row) =>
      Ref.update(rows, (m) => {
        const current = m.get(stream) ?? {
          stream,
          status: "queued" as const,
          records: 0,
          requests: 0,
          deleted: 0,
          problems: [],
          startedAt: undefined,
          endedAt: undefined,
          resumeFrom: undefined,
          loggedAt: 0
        }
        return new Map(m).set(stream, f(current))
      })

    const paint: Record<Status, (t: string) => string> = { queued: c.dim, running: c.yellow, done: c.green, failed: c.red }

    /** the live view's lines: every stream, or (on a short terminal) the active ones and a count of the rest */
    const liveLines = (all: ReadonlyArray<Row>, now: number): Array<string> => {
      const width = Math.max(...all.map((r) => r.stream.length))
      const line = (r: Row) =>
        `  ${r.stream.padEnd(width)}  ${paint[r.status](r.status.padEnd(7))}  ${formatCount(r.records).padStart(9)} records  ${
          rate(r, now).padStart(9)
        }  ${r.startedAt === undefined ? "" : `${formatSeconds(elapsed(r, now))} s`}`
      const room = Math.max(4, (process.stderr.rows ?? 40) - 2)
      if (all.length <= room) return all.map(line)
      const active = all.filter((r) => r.status === "running" || r.status === "failed")
      const count = (s: Status) => all.filter((r) => r.status === s).length
      return [...active.slice(0, room - 1).map(line), c.dim(`  … ${count("done")} done, ${count("queued")} queued`)]
    }

    const redraw = screen.withPermits(1)(Effect.gen(function*() {
      if (!(yield* Ref.get(live))) return
      const now = yield* Clock.currentTimeMillis
      const lines = liveLines([...(yield* Ref.get(rows)).values()], now)
      const previous = yield* Ref.getAndSet(drawn, lines.length)
      const up = previous > 0 ? `\x1b[${previous}F` : ""
      yield* err(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join("")}\x1b[0J`)
    }))

    /** erase the live view (the next redraw draws it again below whatever is printed meanwhile) */
    const clearLive = Effect.flatMap(Ref.getAndSet(drawn, 0), (n) => (n > 0 ? err(`\x1b[${n}F\x1b[0J`) : Effect.void))

    if (tty) yield* Effect.forkScoped(Effect.repeat(redraw, Schedule.spaced("100 millis")))

    const plainLine = (text: string) => (tty ? Effect.void : err(`sync: ${text}\n`))

    const report = (event: SyncEvent): Effect.Effect<void> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        switch (event._tag) {
          case "Started":
            yield* update(event.stream, (r) => ({ ...r, status: "running", startedAt: now, resumeFrom: event.resumeFrom, loggedAt: now }))
            return yield* plainLine(`${event.stream} started${event.resumeFrom === undefined ? "" : ` (${event.resumeFrom})`}`)
          case "Progress": {
            let due = false
            yield* update(event.stream, (r) => {
              due = now - r.loggedAt >= 5_000
              return { ...r, records: event.records, loggedAt: due ? now : r.loggedAt }
            })
            return due ? yield* plainLine(`${event.stream}: ${records(event.records)} so far`) : undefined
          }
          case "Completed": {
            yield* update(event.stream, (r) => ({
              ...r,
              status: "done",
              records: event.records,
              requests: event.requests,
              deleted: event.deleted,
              problems: event.problems,
              endedAt: now
            }))
            const row = (yield* Ref.get(rows)).get(event.stream)
            return yield* plainLine(
              `${event.stream}: ${records(event.records)} in ${formatSeconds(row === undefined ? 0 : elapsed(row, now))} s`
            )
          }
          case "Layout": {
            for (const column of event.added) {
              yield* note(`${event.stream}: new field ${column.field}, stored in the new column ${JSON.stringify(column.name)} (${column.type})`)
            }
            const seen = yield* Ref.get(raw)
            for (const m of event.mismatched) {
              const key = `${event.stream}\u0000${m.field}`
              const before = seen.get(key)
              if (before === undefined) {
                yield* note(
                  `warning: ${event.stream}.${m.field} has values that are not ${m.type} (the type of its column ${JSON.stringify(m.column)}): they are kept in the _raw column`
                )
              }
              yield* Ref.update(raw, (map) => new Map(map).set(key, [event.stream, m.field, m.type, (before?.[3] ?? 0) + m.records]))
            }
            return
          }
          case "Failed":
            yield* update(event.stream, (r) => ({ ...r, status: "failed", records: event.records, requests: event.requests, problems: event.problems, endedAt: now }))
            // on a TTY the error goes above the live view, which is redrawn below it
            return yield* screen.withPermits(1)(Effect.zipRight(
              tty ? clearLive : Effect.void,
              err(`${c.red("failed:")} ${event.stream}: ${describeError(event.error).message}\n`)
            ))
        }
      })

    const note = (line: string) => screen.withPermits(1)(Effect.zipRight(tty ? clearLive : Effect.void, err(`sync: ${line}\n`)))

    const begin = (header: string, streams: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        for (const stream of streams) yield* update(stream, (r) => r)
        yield* err(`${header}\n`)
        yield* Ref.set(live, tty)
      })

    const finish = (footer: string) =>
      Effect.gen(function*() {
        yield* Ref.set(live, false)
        yield* screen.withPermits(1)(clearLive)
        const now = yield* Clock.currentTimeMillis
        const all = [...(yield* Ref.get(rows)).values()]
        const total = all.reduce((n, r) => n + r.records, 0)
        const first = Math.min(...all.map((r) => r.startedAt ?? now))
        const requests = all.reduce((n, r) => n + r.requests, 0)
        const deleted = all.reduce((n, r) => n + r.deleted, 0)
        const table = renderTable(
          ["stream", "records", "requests", "deleted", "seconds", "status"],
          [
            ...all.map((r) => [
              r.stream,
              formatCount(r.records),
              formatCount(r.requests),
              r.deleted === 0 ? "" : formatCount(r.deleted),
              formatSeconds(elapsed(r, now)),
              r.status === "running" ? "interrupted" : r.status === "queued" ? "not started" : r.status
            ]),
            ["total", formatCount(total), formatCount(requests), deleted === 0 ? "" : formatCount(deleted), formatSeconds(now - first), ""]
          ],
          {
            align: ["left", "right", "right", "right", "right", "left"],
            style: (cell, row, column) => {
              const r = all[row]
              return column === 5 && r !== undefined ? paint[r.status === "running" ? "failed" : r.status](cell) : cell
            }
          }
        )
        const problems = all.flatMap((r) => r.problems.map((p) => [r.stream, formatCount(p.records), p.problem]))
        const problemTable = problems.length === 0 ? "" : `\n\nRecords kept that do not match their schema (validation: warn):\n${
          renderTable(["stream", "records", "problem"], problems, { align: ["left", "right", "left"] })
        }`
        const rawRows = [...(yield* Ref.get(raw)).values()].map(([stream, field, type, n]) => [stream, field, type, formatCount(n)])
        const rawTable = rawRows.length === 0 ? "" : `\n\nValues kept in the _raw column (their type is not their column's):\n${
          renderTable(["stream", "field", "column type", "records"], rawRows, { align: ["left", "left", "left", "right"] })
        }`
        yield* err(`\n${table}${problemTable}${rawTable}\n\n${footer}\n`)
      })

    return SyncDisplay.of({ begin, report, note, finish })
  })
