/**
 * `action` for batch actions: reads the rows (a JSON Lines file, standard input, or inline), validates all
 * of them before anything is sent and lists every invalid row with its line on stderr, then sends them in
 * batches, printing one JSON result line per row on stdout as each batch is answered and a summary on
 * stderr. `--dry-run` prints the requests instead; `--resume` continues the journal's last run of the input.
 * Exits non-zero when any row was not applied.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Option, Stream } from "effect"
import { BatchWriter, type RowResult, type RowStatus } from "../../writes/BatchWriter.js"
import { parseRows, rowLabel } from "../../writes/InputRows.js"
import * as SqliteWriteJournal from "../../writes/SqliteWriteJournal.js"
import * as PgWriteJournal from "../../writes/PgWriteJournal.js"
import { isPostgresUrl } from "../../postgres/pgClient.js"
import { storeName } from "../../auth/store/tokenStoreAt.js"
import { WriteJournal } from "../../writes/WriteJournal.js"
import { batchesOf } from "../../writes/WritePlan.js"
import { InputError } from "../../config/InputError.js"
import { CommandFailed } from "../CommandFailed.js"
import { ConnectionInfo } from "../ConnectionInfo.js"
import { defaultTokenStore } from "../connectionLayers.js"
import { formatCount } from "../renderTable.js"
import { UsageError } from "../UsageError.js"

export interface BatchActionArgs {
  readonly id: string
  readonly input: Option.Option<string>
  readonly dryRun: boolean
  readonly partial: boolean
  readonly resume: boolean
  readonly journal: Option.Option<string>
}

const readStdin = Effect.tryPromise({
  try: async () => {
    const chunks: Array<Buffer> = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: () => new InputError({ reason: "Unreadable", input: "rows", source: "standard input", path: "", detail: "cannot be read" })
})

/** The input text and what to call it in messages. */
const rowsText = (id: string, input: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isNone(input)) {
      if (process.stdin.isTTY === true) {
        return yield* new UsageError({
          reason: "MissingOption",
          message: `${id} takes rows: --input @rows.jsonl (JSON Lines, one row per line), --input - or rows on standard input`
        })
      }
      return { text: yield* readStdin, source: "standard input" }
    }
    const value = input.value
    if (value === "-") return { text: yield* readStdin, source: "standard input" }
    if (value.startsWith("@")) {
      const file = value.slice(1)
      const text = yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(file)).pipe(
        Effect.mapError(() => new InputError({ reason: "Unreadable", input: "rows", source: file, path: "", detail: "cannot be read" }))
      )
      return { text, source: file }
    }
    return { text: value, source: "--input" }
  })

const applied: ReadonlyArray<RowStatus> = ["applied", "unchanged"]

const rowsOf = (n: number) => `${formatCount(n)} row${n === 1 ? "" : "s"}`

export const batchActionHandler = (args: BatchActionArgs) =>
  Effect.gen(function*() {
    const writer = yield* BatchWriter
    const contract = yield* writer.contract(args.id)
    const { text, source } = yield* rowsText(args.id, args.input)
    const rows = parseRows(text, contract.itemsField)
    if (rows.length === 0) return yield* new InputError({ reason: "Invalid", input: "rows", source, path: "", detail: "holds no rows" })
    const plan = yield* writer.plan(args.id, rows)

    for (const invalid of plan.invalid) yield* Console.error(`justworks-connector: ${source} ${rowLabel(invalid.row)}: ${invalid.problems.join("; ")}`)
    const invalidCount = `${formatCount(plan.invalid.length)} of ${rowsOf(rows.length)} ${plan.invalid.length === 1 ? "is" : "are"} invalid`
    if (plan.invalid.length > 0 && !args.partial) {
      return yield* new CommandFailed({
        reason: "RowsNotApplied",
        message: `${invalidCount}; nothing ${args.dryRun ? "would be" : "was"} sent (--partial sends the ${formatCount(plan.valid.length)} valid ${plan.valid.length === 1 ? "row" : "rows"})`
      })
    }

    if (args.dryRun) {
      const batches = batchesOf(contract, plan.valid)
      for (const batch of batches) {
        yield* Console.log(JSON.stringify({ batch: batch.number, method: contract.method, path: contract.path, body: batch.body }))
      }
      yield* Console.error(
        `dry run: ${rowsOf(plan.valid.length)} would be sent in ${batches.length} request${batches.length === 1 ? "" : "s"} to ${contract.method} ${contract.path}; nothing was sent`
      )
      if (plan.invalid.length > 0) return yield* new CommandFailed({ reason: "RowsNotApplied", message: `${invalidCount} and would not be sent` })
      return
    }

    const info = yield* ConnectionInfo
    const journalFile = Option.getOrElse(args.journal, () => info.tokenStore ?? defaultTokenStore())
    const counts: Record<string, number> = {}
    let resumed = 0
    let unsettled = 0
    const idField = contract.results.id_field
    const line = (r: RowResult) =>
      JSON.stringify({
        ...(r.line === undefined ? { item: r.position } : { line: r.line }),
        status: r.status,
        [idField]: r.id ?? (contract.keyField === idField ? r.key : null),
        ...(contract.keyField !== undefined && contract.keyField !== idField ? { [contract.keyField]: r.key } : {}),
        error: r.error
      })
    yield* Effect.gen(function*() {
      const journal = yield* WriteJournal
      yield* writer.write(plan, { partial: args.partial, resume: args.resume, journal }).pipe(
        Stream.runForEach((r) => {
          counts[r.status] = (counts[r.status] ?? 0) + 1
          if (r.resumed) resumed++
          if (r.resend) unsettled++
          return Console.log(line(r))
        })
      )
    }).pipe(Effect.provide(isPostgresUrl(journalFile) ? PgWriteJournal.layer(journalFile.trim()) : SqliteWriteJournal.layer(journalFile)))

    const summary = Object.entries(counts).map(([status, n]) => `${formatCount(n)} ${status.replace("_", " ")}`).join(", ")
    const notApplied = Object.entries(counts).filter(([status]) => !applied.includes(status as RowStatus)).reduce((n, [, c]) => n + c, 0)
    const fromJournal = resumed > 0 ? `; ${formatCount(resumed)} reported from the journal of the earlier run` : ""
    const done = `${args.id}: ${rowsOf(rows.length)}: ${summary} (journal: ${storeName(journalFile)}${fromJournal})`
    if (notApplied > 0) {
      return yield* new CommandFailed({
        reason: "RowsNotApplied",
        message: `${done}; ${formatCount(notApplied)} not applied${unsettled > 0 ? "; run the same command with --resume to send the unsettled rows again" : ""}`
      })
    }
    yield* Console.error(done)
  })
