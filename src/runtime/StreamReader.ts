/**
 * The interpreter: turns a stream of the manifest into a `Stream` of record batches and checkpoints, with
 * no stream-specific code. Pagination, record selectors, parent streams, date windows, incremental cursors
 * and asynchronous reports all come from the manifest.
 */
import { Chunk, Clock, Context, Duration, Effect, Layer, Option, Schedule, Stream } from "effect"
import type { TokenError } from "../auth/TokenProvider.js"
import type { ApiError } from "../http/ApiError.js"
import { ApiClient, type CallInput } from "../http/ApiClient.js"
import type { IncrementalCursor, StreamModel } from "../model/Connector.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { fanOut } from "./fanOut.js"
import { ReadError } from "./ReadError.js"
import { RecordValidation } from "./RecordValidation.js"
import { fieldValue, recordSelector } from "./selectRecords.js"
import { dateWindows, todayUtc, type DateWindow } from "./dateWindows.js"

export type ApiRecord = Record<string, unknown>

/** What a stream remembers between runs (incremental streams only). */
export interface StreamState {
  /** the incremental cursor: records at or after it are read next time */
  readonly cursor?: string | undefined
}

export type ReadEvent =
  | { readonly _tag: "Records"; readonly stream: string; readonly records: ReadonlyArray<ApiRecord> }
  | { readonly _tag: "Checkpoint"; readonly stream: string; readonly state: StreamState }

export interface ReadOptions {
  /** first day read by date-windowed streams, YYYY-MM-DD (default: two years before today) */
  readonly startDate?: string | undefined
  /** the state of the stream's last checkpoint, to read incrementally from */
  readonly state?: StreamState | undefined
}

export type ReadFailure = ReadError | ApiError | TokenError

interface PageState {
  readonly cursor: string | undefined
  readonly page: number
}

const FIRST_PAGE: PageState = { cursor: undefined, page: 1 }

/** A page's records and where the next page starts (`undefined` after the last), or why the read stops. */
type PageResult = readonly [ReadonlyArray<ApiRecord>, PageState | undefined] | ReadError

/**
 * A paginated request: the request of a page, and what its body gives (`seen`: the cursors followed so far in
 * this read). Apart so that a reader takes one effect step per page.
 */
interface PageFetch {
  readonly request: (state: PageState) => Effect.Effect<unknown, ApiError | TokenError>
  readonly page: (body: unknown, state: PageState, seen: Set<string>) => PageResult
}

/** One page's request, then `then` with its records and where the next page starts: one effect step a page. */
const pageStep = <A>(
  fetch: PageFetch,
  state: PageState,
  seen: Set<string>,
  then: (records: ReadonlyArray<ApiRecord>, next: PageState | undefined) => Effect.Effect<A, ReadFailure>
): Effect.Effect<A, ReadFailure> =>
  Effect.flatMap(fetch.request(state), (body) => {
    const result = fetch.page(body, state, seen)
    return result instanceof ReadError ? Effect.fail(result) : then(result[0], result[1])
  })

/** Fields the connector adds to each record of a page (a child's parent key). */
type Added = Readonly<Record<string, string>> | undefined

/** How one stream's pages are read: one request (`once`), or page by page (`fetcher`). */
type PageReader =
  | { readonly fetcher: undefined; readonly once: (input: CallInput, added: Added) => Effect.Effect<ReadonlyArray<ApiRecord>, ReadFailure> }
  | { readonly fetcher: (input: CallInput, added: Added) => PageFetch; readonly once: undefined }

/**
 * Bounds of a child stream's fan-out: its workers start a parent's children at most `PARENTS_AHEAD` parents
 * after the oldest parent whose children are not all passed on, and each parent holds at most `HELD_PAGES`
 * pages of children not passed on (its next request waits until they are): at most 100 × 2 pages of children
 * held at once.
 */
const PARENTS_AHEAD = 100
const HELD_PAGES = 2

export class StreamReader extends Context.Tag("justworks-connector/StreamReader")<StreamReader, {
  readonly streams: ReadonlyArray<StreamModel>
  /** record batches (one per page) and checkpoints of one stream */
  readonly read: (stream: string, options: ReadOptions) => Stream.Stream<ReadEvent, ReadFailure>
  /** just the records of one stream */
  readonly records: (stream: string, options: ReadOptions) => Stream.Stream<ApiRecord, ReadFailure>
}>() {
  static make = Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const api = yield* ApiClient
    const validation = yield* RecordValidation
    const definitions = connector.streams
    const substreams = connector.concurrency.substreams

    const definition = (name: string): StreamModel => {
      const found = connector.streamByName.get(name)
      if (found === undefined) throw new Error(`unknown stream "${name}"`)
      return found
    }

    /** How a stream's pages are read: built once per stream (its selector, record check and paginator). */
    const pageReaders = new Map<string, PageReader>()
    const pageReader = (def: StreamModel): PageReader => {
      const known = pageReaders.get(def.name)
      if (known !== undefined) return known
      const built = makePageReader(def)
      pageReaders.set(def.name, built)
      return built
    }

    const makePageReader = (def: StreamModel): PageReader => {
      const select = recordSelector(def.records)
      const validate = validation.validator(def.name)
      const readError = (reason: ReadError["reason"], detail: string) =>
        new ReadError({ reason, stream: def.name, endpoint: def.endpoint.id, detail })
      /** the records of a page (`added`: fields the connector adds to each record, a child's parent key) */
      const recordsOf = (body: unknown, added: Added): ReadonlyArray<ApiRecord> | ReadError => {
        const selected = select(body)
        if (!selected.ok) return readError("UnexpectedResponse", selected.detail)
        for (const record of selected.records) {
          // the page's records were parsed for this read alone: extend them in place
          if (added !== undefined) for (const field in added) record[field] = added[field]
          const problem = validate(record)
          if (problem !== undefined) {
            const key = def.primaryKey.map((k) => `${k}=${JSON.stringify(fieldValue(record, k))}`).join(", ")
            return readError("InvalidRecord", `record ${key || "(single record)"}: ${problem.path}: ${problem.message}`)
          }
        }
        return selected.records
      }
      const paginator = def.paginator
      if (paginator === undefined) {
        return {
          fetcher: undefined,
          once: (input, added) =>
            Effect.flatMap(api.call(def.endpoint.id, input), (body) => {
              const records = recordsOf(body, added)
              return records instanceof ReadError ? Effect.fail(records) : Effect.succeed(records)
            })
        }
      }
      const nextCursor = (body: unknown): string | undefined => {
        const raw = fieldValue(body, paginator.nextCursor)
        return typeof raw === "string" && raw !== "" ? raw : undefined
      }
      /** One page: its records, and where the next page starts (cursor loops and page caps fail). */
      const fetcher = (input: CallInput, added: Added): PageFetch => ({
        request: (state) => {
          const query: Record<string, string | number | boolean | undefined> = {}
          for (const name in input.query) query[name] = input.query[name]
          query[paginator.limitParam] = paginator.pageSize
          query[paginator.cursorParam] = state.cursor
          return api.call(def.endpoint.id, { path: input.path, query, body: input.body })
        },
        page: (body, state, seen) => {
          const records = recordsOf(body, added)
          if (records instanceof ReadError) return records
          const next = nextCursor(body)
          if (next === undefined) return [records, undefined]
          if (next === state.cursor || seen.has(next)) {
            return readError("RepeatedCursor", `page ${state.page} returned a cursor already followed; stopping instead of looping`)
          }
          if (state.page >= paginator.maxPages) return readError("PageLimit", `more than ${paginator.maxPages} pages (max_pages)`)
          seen.add(next)
          return [records, { cursor: next, page: state.page + 1 }]
        }
      })
      return { fetcher, once: undefined }
    }

    /**
     * What one request, or every page of a paginated request, emits: `out` makes a page's records into the
     * stream's elements (a batch per page, or the records themselves).
     */
    const pagesAs = <A>(
      def: StreamModel,
      input: CallInput,
      out: (records: ReadonlyArray<ApiRecord>) => Chunk.Chunk<A>,
      added?: Added
    ): Stream.Stream<A, ReadFailure> => {
      const reader = pageReader(def)
      if (reader.fetcher === undefined) return Stream.mapConcatChunk(Stream.fromEffect(reader.once(input, added)), out)
      const fetch = reader.fetcher(input, added)
      // one set of followed cursors per read, grown in place (copying it per page would cost O(pages²))
      return Stream.suspend(() => {
        const seen = new Set<string>()
        return Stream.paginateChunkEffect<PageState, A, ReadFailure, never>(FIRST_PAGE, (state) =>
          pageStep(fetch, state, seen, (records, next) => Effect.succeed([out(records), Option.fromNullable(next)] as const)))
      })
    }

    /** The records of one request, or of every page of a paginated request, one batch per page. */
    const pages = (def: StreamModel, input: CallInput, added?: Added): Stream.Stream<ReadonlyArray<ApiRecord>, ReadFailure> =>
      pagesAs(def, input, batchOf, added)

    /**
     * The pages of one child request (a parent's paystubs) as one effect, each non-empty page handed to
     * `emit`: a child is small, and reading it as an effect saves a stream per parent.
     */
    const childPages = (
      def: StreamModel,
      input: CallInput,
      added: Added,
      emit: (records: ReadonlyArray<ApiRecord>) => Effect.Effect<void>
    ): Effect.Effect<void, ReadFailure> => {
      const reader = pageReader(def)
      if (reader.fetcher === undefined) return Effect.flatMap(reader.once(input, added), (records) => (records.length > 0 ? emit(records) : Effect.void))
      const fetch = reader.fetcher(input, added)
      const loop = (state: PageState, seen: Set<string>): Effect.Effect<void, ReadFailure> =>
        pageStep(fetch, state, seen, (records, next) => {
          if (next === undefined) return records.length > 0 ? emit(records) : Effect.void
          return records.length > 0 ? Effect.flatMap(emit(records), () => loop(next, seen)) : loop(next, seen)
        })
      // the followed cursors belong to one run of the effect
      return Effect.suspend(() => loop(FIRST_PAGE, new Set()))
    }

    /** Every record of a stream, parents resolved, no checkpoints: what a child stream iterates over. */
    const recordsOf = (def: StreamModel, options: ReadOptions): Stream.Stream<ApiRecord, ReadFailure> =>
      Stream.mapConcat(batches(def, options), recordsIn)

    const batches = (def: StreamModel, options: ReadOptions): Stream.Stream<ReadEvent, ReadFailure> => {
      const partitioning = def.partitioning
      const emit = (records: ReadonlyArray<ApiRecord>): ReadEvent => ({ _tag: "Records", stream: def.name, records })

      if (partitioning._tag === "Parent") {
        const { parent: parentName, field, param } = partitioning
        // each parent's child pages are read as one effect by `substreams` workers (`fanOut`: across pages of
        // parents, the next page read meanwhile; children in parent order)
        const child = (parent: ApiRecord, put: (records: ReadonlyArray<ApiRecord>) => Effect.Effect<void>) => {
          const value = fieldValue(parent, field)
          if (value === undefined || value === null) {
            return Effect.fail(new ReadError({ reason: "UnexpectedResponse", stream: def.name, endpoint: def.endpoint.id, detail: `a ${parentName} record has no "${field}"` }))
          }
          const key = String(value)
          return childPages(def, { path: { [param]: key } }, { [param]: key }, put)
        }
        const parents = Stream.map(batches(definition(parentName), { startDate: options.startDate }), recordsIn)
        return Stream.map(fanOut(parents, child, { workers: substreams, ahead: PARENTS_AHEAD, held: HELD_PAGES }), emit)
      }

      if (partitioning._tag === "DateWindows") {
        const { startParam: start_param, endParam: end_param, step, recordField: record_field, lookahead } = partitioning
        const inWindow = (w: DateWindow) => (r: ApiRecord) => {
          const value = fieldValue(r, record_field!)
          const day = typeof value === "string" ? value.slice(0, 10) : undefined
          return day === undefined || (day >= w.start && day <= w.end)
        }
        return Stream.unwrap(Effect.map(Clock.currentTimeMillis, (now) =>
          Stream.fromIterable(dateWindows(
            options.startDate ?? todayUtc(now - DEFAULT_LOOKBACK_MS),
            todayUtc(now + (lookahead ? Duration.toMillis(lookahead) : 0)),
            step
          )).pipe(
            Stream.flatMap((w) =>
              pages(def, { query: { [start_param]: w.start, [end_param]: w.end } }).pipe(
                // a page whose records all fall outside its window emits nothing, as an empty page does
                Stream.filterMap((records) => {
                  const kept = record_field === undefined ? records : records.filter(inWindow(w))
                  return kept.length > 0 ? Option.some(emit(kept)) : Option.none()
                })
              )
            )
          )))
      }

      if (partitioning._tag === "Report") return reportBatches(def, partitioning, options).pipe(Stream.map(emit))

      if (def.cursor !== undefined) return incrementally(def, options, def.cursor)

      return Stream.map(pages(def, {}), emit)
    }

    /** The request of a stream, from the saved cursor of an incremental one (none: every record). */
    const fromCursor = (cursor: IncrementalCursor | undefined, start: string | undefined): CallInput =>
      cursor === undefined || start === undefined ? {} : { query: { [cursor.requestParam]: start } }

    /**
     * Read records at or after the saved cursor, and checkpoint after each page. The API does not promise to
     * return records in cursor order, so a later page may hold records older than those before it: until the
     * stream completes, a checkpoint keeps the cursor it started from (a read resumed from it reads every
     * record again, and misses none); the last checkpoint, once every page is read, carries the greatest
     * cursor read.
     */
    const incrementally = (
      def: StreamModel,
      options: ReadOptions,
      config: IncrementalCursor
    ): Stream.Stream<ReadEvent, ReadFailure> => {
      const start = options.state?.cursor
      let max: string | undefined = start
      const input = fromCursor(config, start)
      const checkpoint = (cursor: string | undefined): ReadEvent => ({ _tag: "Checkpoint", stream: def.name, state: { cursor } })
      return Stream.suspend(() =>
        pages(def, input).pipe(
          Stream.mapConcat((records): Array<ReadEvent> => {
            for (const record of records) {
              const value = fieldValue(record, config.field)
              if (typeof value === "string" && (max === undefined || value > max)) max = value
            }
            return [{ _tag: "Records", stream: def.name, records }, checkpoint(start)]
          }),
          Stream.concat(Stream.sync(() => checkpoint(max)))
        )
      )
    }

    /** Start the report(s), poll each until ready, then page through its items. */
    const reportBatches = (
      def: StreamModel,
      report: Extract<StreamModel["partitioning"], { _tag: "Report" }>,
      options: ReadOptions
    ): Stream.Stream<ReadonlyArray<ApiRecord>, ReadFailure> => {
      const readError = (reason: ReadError["reason"], detail: string) =>
        new ReadError({ reason, stream: def.name, endpoint: def.endpoint.id, detail })
      // the first stream is streamed; the others (small dimensions such as policies) are read once and kept
      const [first, ...rest] = report.forEach
      const inputs: Stream.Stream<ApiRecord, ReadFailure> = first === undefined
        ? Stream.make({})
        : Stream.unwrap(Effect.map(
          Effect.forEach(rest, (name) => Effect.map(Stream.runCollect(recordsOf(definition(name), options)), (c) => [name, Chunk.toArray(c)] as const)),
          (dimensions) =>
            Stream.flatMap(recordsOf(definition(first), options), (record) =>
              Stream.fromIterable(dimensions.reduce<Array<ApiRecord>>(
                (combos, [name, records]) => combos.flatMap((combo) => records.map((r) => ({ ...combo, [name]: r }))),
                [{ [first]: record }]
              )))
        ))
      const poll = (id: string) =>
        api.call(def.endpoint.id, { path: { [report.param]: id }, query: {} }).pipe(
          Effect.flatMap((body) => {
            const status = fieldValue(body, report.statusField)
            if (status === report.ready) return Effect.succeed(true)
            if (status === report.failed) return Effect.fail(readError("ReportFailed", `report ${id} failed: ${JSON.stringify(fieldValue(body, "message") ?? null)}`))
            return Effect.succeed(false)
          }),
          Effect.repeat({
            schedule: Schedule.exponential(report.pollInterval, 1.5).pipe(
              Schedule.modifyDelay((_, d) => Duration.min(d, report.pollMaxInterval))
            ),
            until: (ready) => ready
          }),
          Effect.timeoutFail({
            duration: report.timeout,
            onTimeout: () => readError("ReportTimeout", `report ${id} was not ready within ${Duration.format(report.timeout)}`)
          })
        )
      return Stream.unwrap(Effect.map(Clock.currentTimeMillis, (now) =>
        inputs.pipe(
          Stream.mapEffect((combo) =>
            api.call(report.create.id, { body: fillTemplate(report.body, combo, todayUtc(now)) }).pipe(
              Effect.flatMap((created) => {
                const id = fieldValue(created, report.idField)
                return typeof id === "string"
                  ? Effect.as(poll(id), id)
                  : Effect.fail(readError("UnexpectedResponse", `the create response has no "${report.idField}"`))
              })
            ), { concurrency: substreams }),
          Stream.flatMap((id) => pages(def, { path: { [report.param]: id } }), { concurrency: substreams })
        )))
    }

    const read = (stream: string, options: ReadOptions) => Stream.suspend(() => batches(definition(stream), options))

    /**
     * The records of a stream. One read by a single request or its pages (no parent, date windows or report)
     * emits each page's records as they come: no batches and checkpoints to make, then flatten, each page.
     */
    const records = (stream: string, options: ReadOptions) =>
      Stream.suspend(() => {
        const def = definition(stream)
        if (def.partitioning._tag !== "None") return Stream.mapConcat(read(stream, options), recordsIn)
        return pagesAs(def, fromCursor(def.cursor, options.state?.cursor), Chunk.unsafeFromArray)
      })

    return StreamReader.of({ streams: definitions, read, records })
  })

  static layer = Layer.effect(StreamReader, StreamReader.make)
}

/** How far back date-windowed streams are read when no start date is given: two years. */
const DEFAULT_LOOKBACK_MS = Duration.toMillis(Duration.days(730))

/** A page's records as one batch (an empty page emits none). */
const batchOf = (records: ReadonlyArray<ApiRecord>): Chunk.Chunk<ReadonlyArray<ApiRecord>> =>
  records.length > 0 ? Chunk.of(records) : Chunk.empty()

/** The records an event carries (none for a checkpoint). */
const recordsIn = (event: ReadEvent): ReadonlyArray<ApiRecord> => (event._tag === "Records" ? event.records : [])

/** Fill `{stream.field}` and `{today}` placeholders of a report body template. */
const fillTemplate = (
  template: Readonly<Record<string, string>>,
  combo: ApiRecord,
  today: string
): Record<string, string> =>
  Object.fromEntries(Object.entries(template).map(([key, value]) => [
    key,
    value.replace(/\{([^}]+)\}/g, (_, ref: string) => {
      if (ref === "today") return today
      const [stream, ...field] = ref.split(".")
      return String(fieldValue(combo[stream!], field.join(".")) ?? "")
    })
  ]))
