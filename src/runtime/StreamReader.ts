/**
 * The interpreter: turns the streams of the model into `Stream`s of records and checkpoints, with no
 * stream-specific code. Pagination, record selectors, parent streams, date windows, incremental cursors and
 * asynchronous reports all come from the model.
 *
 * Streams are read in groups: a stream at the root of its requests (not read per parent record) with every
 * stream fed by the same responses: streams derived out of its records, its children, their children. One
 * read of the root feeds every stream of the group selected in the run, page by page: a page's records go to
 * the children's fan-out, and after the last of its children's records the group checkpoints its position.
 * Memory stays bounded (pages flow on; nothing is buffered whole), and each request is made once per run.
 */
import { Chunk, Clock, Context, Duration, Effect, Layer, Option, Schedule, Stream } from "effect"
import type { TokenError } from "../auth/TokenProvider.js"
import type { ApiError } from "../http/ApiError.js"
import { ApiClient, type CallInput } from "../http/ApiClient.js"
import type { Partitioning, StreamModel } from "../model/Connector.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { dateWindows, todayUtc } from "./dateWindows.js"
import { fanOut } from "./fanOut.js"
import { mapChunksPulled } from "./pulled.js"
import { forgetRecordTexts } from "../json/recordText.js"
import { ReadError } from "./ReadError.js"
import { problemKey, type RecordProblem, RecordValidation, type RecordValidator } from "./RecordValidation.js"
import { fieldValue, recordSelector, type SelectResult } from "./selectRecords.js"
import { commonStart, daysBefore, earlier, isoDay, later, type Resume, type StreamState } from "./StreamState.js"

export type { StreamState } from "./StreamState.js"

export type ApiRecord = Record<string, unknown>

export type ReadFailure = ReadError | ApiError | TokenError

/** What the library's `read` of one stream emits. */
export type ReadEvent =
  | { readonly _tag: "Records"; readonly stream: string; readonly records: ReadonlyArray<ApiRecord> }
  | { readonly _tag: "Checkpoint"; readonly stream: string; readonly state: StreamState }

export interface ReadOptions {
  /** first day read by date-windowed streams, YYYY-MM-DD (default: two years before today) */
  readonly startDate?: string | undefined
  /** the state of the stream's last checkpoint, to read from */
  readonly state?: StreamState | undefined
}

/** One stream of a run. */
export interface StreamRun {
  readonly stream: StreamModel
  /** read from the state's cursor (else from the start; a full refresh resumes a read under way, if any) */
  readonly incremental: boolean
  readonly state: StreamState | undefined
}

export interface RunOptions {
  readonly startDate?: string | undefined
  /** groups read at once */
  readonly concurrency: number
}

/** What a run emits, per stream: started, records (with the problems of the records kept), checkpoints, the end. */
export type RunEvent =
  | { readonly _tag: "Started"; readonly stream: string; readonly from: StreamState | undefined }
  | {
    readonly _tag: "Records"
    readonly stream: string
    readonly records: ReadonlyArray<ApiRecord>
    /** problems of records kept anyway (validation `warn`) */
    readonly problems: ReadonlyArray<RecordProblem> | undefined
  }
  | { readonly _tag: "Checkpoint"; readonly stream: string; readonly state: StreamState }
  | {
    readonly _tag: "Completed"
    readonly stream: string
    readonly requests: number
    /** the stream was read whole (not from a cursor, not for some parents only): what it lacks is gone upstream */
    readonly whole: boolean
    /** when the read began (a resumed read: when the first part of it began), ISO */
    readonly startedAt: string
  }
  | { readonly _tag: "Failed"; readonly stream: string; readonly error: ReadFailure; readonly requests: number }

interface PageState {
  readonly cursor: string | undefined
  readonly page: number
}

/**
 * Bounds of a child stream's fan-out: its workers start a parent's children at most `PARENTS_AHEAD` parents
 * after the oldest parent whose children are not all passed on, and each parent holds at most `HELD_PAGES`
 * pages of children not passed on (its next request waits until they are).
 */
const PARENTS_AHEAD = 100
const HELD_PAGES = 2

/** A cursor value this far past now is taken for a wrong clock, not kept. */
const FUTURE_TOLERANCE_MS = Duration.toMillis(Duration.days(1))

/** How far back date-windowed streams are read when no start date is given: two years. */
const DEFAULT_LOOKBACK = Duration.days(730)

/** A selected stream fed by a node's responses: the node's own stream, or one derived out of its records. */
interface Output {
  readonly stream: StreamModel
  readonly select: (body: unknown) => SelectResult
  readonly validate: RecordValidator
}

/** A stream whose endpoint is requested in the run: for itself, for streams derived from it, or for its children. */
interface Node {
  readonly stream: StreamModel
  readonly select: (body: unknown) => SelectResult
  /** the selected streams its responses feed (itself and/or derived streams), validated */
  readonly outputs: ReadonlyArray<Output>
  readonly children: ReadonlyArray<Node>
}

/** What flows through a group's fan-out stages: events on their way out, and parent records to read children for. */
type Item =
  | { readonly _tag: "Event"; readonly event: RunEvent }
  | { readonly _tag: "Position"; readonly resume: Resume | undefined }
  | { readonly _tag: "Parent"; readonly node: Node; readonly record: ApiRecord; readonly rootDate: string | undefined }

export class StreamReader extends Context.Tag("justworks-connector/StreamReader")<StreamReader, {
  readonly streams: ReadonlyArray<StreamModel>
  /** several streams, each request once: a parent read feeds every selected child */
  readonly run: (runs: ReadonlyArray<StreamRun>, options: RunOptions) => Stream.Stream<RunEvent>
  /** record batches (one per page) and checkpoints of one stream */
  readonly read: (stream: string, options: ReadOptions) => Stream.Stream<ReadEvent, ReadFailure>
  /** just the records of one stream */
  readonly records: (stream: string, options: ReadOptions) => Stream.Stream<ApiRecord, ReadFailure>
}>() {
  static make = Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const api = yield* ApiClient
    const validation = yield* RecordValidation
    const substreams = connector.concurrency.substreams
    const strict = validation.mode === "strict"

    const definition = (name: string): StreamModel => {
      const found = connector.streamByName.get(name)
      if (found === undefined) throw new Error(`unknown stream "${name}"`)
      return found
    }
    const readError = (stream: StreamModel, reason: ReadError["reason"], detail: string) =>
      new ReadError({ reason, stream: stream.name, endpoint: stream.endpoint.id, detail })

    /** Validators and selectors are built once per stream. */
    const outputs = new Map<string, Output>()
    const outputOf = (stream: StreamModel): Output => {
      let found = outputs.get(stream.name)
      if (found === undefined) {
        found = { stream, select: recordSelector(stream.records), validate: validation.validator(stream.name) }
        outputs.set(stream.name, found)
      }
      return found
    }

    /** Fields the connector adds: a child's parent key (given), a synthetic key (from the record). */
    const complete = (stream: StreamModel, records: ReadonlyArray<ApiRecord>, parentKey: Readonly<Record<string, string>> | undefined) => {
      const synthetic = stream.syntheticKey
      if (parentKey === undefined && synthetic === undefined) return
      // the page's records were parsed for this read alone: extend them in place
      forgetRecordTexts(records)
      for (const record of records) {
        if (parentKey !== undefined) for (const field in parentKey) record[field] = parentKey[field]
        if (synthetic !== undefined) {
          record[synthetic.field] = synthetic.from.map((f) => {
            const v = fieldValue(record, f)
            return v === undefined || v === null ? "" : String(v)
          }).join("/")
        }
      }
    }

    /**
     * The records of one output in a response, checked: a failing record fails the read (`strict`) or is kept
     * with its problem (`warn`).
     */
    const outputRecords = (
      output: Output,
      body: unknown,
      parentKey: Readonly<Record<string, string>> | undefined
    ): { readonly records: ReadonlyArray<ApiRecord>; readonly problems: Array<RecordProblem> | undefined } | ReadError => {
      const selected = output.select(body)
      if (!selected.ok) return readError(output.stream, "UnexpectedResponse", selected.detail)
      complete(output.stream, selected.records, parentKey)
      let problems: Array<RecordProblem> | undefined
      for (const record of selected.records) {
        const problem = output.validate(record)
        if (problem === undefined) continue
        if (strict) {
          const key = output.stream.primaryKey.map((k) => `${k}=${JSON.stringify(fieldValue(record, k))}`).join(", ")
          return readError(output.stream, "InvalidRecord", `record ${key || "(single record)"}: ${problemKey(problem)}`)
        }
        ;(problems ??= []).push(problem)
      }
      return { records: selected.records, problems }
    }

    /** A page's records: the node's own (for its children) and each output's (to emit). */
    interface PageRecords {
      readonly own: ReadonlyArray<ApiRecord>
      readonly out: ReadonlyArray<{ readonly output: Output; readonly records: ReadonlyArray<ApiRecord>; readonly problems: Array<RecordProblem> | undefined }>
    }
    const pageRecords = (node: Node, body: unknown, parentKey: Readonly<Record<string, string>> | undefined): PageRecords | ReadError => {
      const out: Array<PageRecords["out"][number]> = []
      let own: ReadonlyArray<ApiRecord> | undefined
      for (const output of node.outputs) {
        const result = outputRecords(output, body, parentKey)
        if (result instanceof ReadError) return result
        out.push({ output, records: result.records, problems: result.problems })
        if (output.stream === node.stream) own = result.records
      }
      if (own === undefined && node.children.length > 0) {
        const selected = node.select(body)
        if (!selected.ok) return readError(node.stream, "UnexpectedResponse", selected.detail)
        complete(node.stream, selected.records, parentKey)
        own = selected.records
      }
      return { own: own ?? [], out }
    }

    /**
     * One request of a node, or one page of it, and where the next page starts (`seen`: the cursors followed
     * so far in this read: a repeat fails instead of looping). `count` is told of every request.
     */
    const fetchPage = (
      node: Node,
      input: CallInput,
      state: PageState,
      seen: Set<string>,
      count: () => void
    ): Effect.Effect<readonly [unknown, PageState | undefined], ReadFailure> => {
      const { paginator, endpoint } = node.stream
      count()
      if (paginator === undefined) return Effect.map(api.call(endpoint.id, input), (body) => [body, undefined] as const)
      const query: Record<string, string | number | boolean | undefined> = {}
      for (const name in input.query) query[name] = input.query[name]
      query[paginator.limitParam] = paginator.pageSize
      query[paginator.cursorParam] = state.cursor
      return Effect.flatMap(api.call(endpoint.id, { path: input.path, query, body: input.body }), (body): Effect.Effect<readonly [unknown, PageState | undefined], ReadFailure> => {
        const raw = fieldValue(body, paginator.nextCursor)
        const next = typeof raw === "string" && raw !== "" ? raw : undefined
        if (next === undefined) return Effect.succeed([body, undefined] as const)
        if (next === state.cursor || seen.has(next)) {
          return Effect.fail(readError(node.stream, "RepeatedCursor", `page ${state.page} returned a cursor already followed; stopping instead of looping`))
        }
        if (state.page >= paginator.maxPages) return Effect.fail(readError(node.stream, "PageLimit", `more than ${paginator.maxPages} pages (max_pages)`))
        seen.add(next)
        return Effect.succeed([body, { cursor: next, page: state.page + 1 }] as const)
      })
    }

    /** A saved page cursor the API no longer takes: it answers 400, 404 or 422 for it. */
    const refusedCursor = (error: ReadFailure) =>
      error._tag === "ApiError" && (error.reason === "InvalidRequest" || error.reason === "NotFound")

    /**
     * The pages of a node's request, from the page cursor `from` (a resumed read) or the first page, each as what
     * `onPage` makes of its body (and of where the next page starts, undefined after the last); a cursor the API
     * refuses is given up for the first page, and said so. Only what `onPage` makes goes down the stream: a body
     * passed on whole would be held by the stream's stages while the next page is read, long enough for young
     * collections to copy and promote every page (the heap then grows with the read, and collecting costs more).
     */
    const pagesFrom = <A>(
      node: Node,
      input: CallInput,
      from: string | undefined,
      count: () => void,
      onPage: (body: unknown, next: PageState | undefined) => Effect.Effect<A, ReadFailure>
    ): Stream.Stream<A, ReadFailure> =>
      Stream.suspend(() => {
        const seen = new Set<string>()
        const first: PageState = { cursor: from, page: 1 }
        const firstPage = fetchPage(node, input, first, seen, count).pipe(
          Effect.catchIf(
            (error) => from !== undefined && refusedCursor(error),
            (error) =>
              Effect.zipRight(
                Effect.logWarning(`stream ${node.stream.name}: the API refused the saved page position (${error.message}); reading from the start of the ${input.query === undefined ? "stream" : "window"} instead`),
                fetchPage(node, input, { cursor: undefined, page: 1 }, seen, count)
              )
          )
        )
        return Stream.paginateEffect(undefined as PageState | undefined, (state) =>
          Effect.flatMap(state === undefined ? firstPage : fetchPage(node, input, state, seen, count), ([body, next]) =>
            Effect.map(onPage(body, next), (out) => [out, Option.fromNullable(next)] as const)))
      })

    /**
     * The pages of one child request (a parent's paystubs) as one effect, each page handed to `each`: a child is
     * small, and reading it as an effect saves a stream per parent.
     */
    const childPages = (
      node: Node,
      input: CallInput,
      count: () => void,
      each: (body: unknown) => Effect.Effect<void, ReadFailure>
    ): Effect.Effect<void, ReadFailure> => {
      const loop = (state: PageState, seen: Set<string>): Effect.Effect<void, ReadFailure> =>
        Effect.flatMap(fetchPage(node, input, state, seen, count), ([body, next]) =>
          next === undefined ? each(body) : Effect.flatMap(each(body), () => loop(next, seen)))
      // the followed cursors belong to one run of the effect
      return Effect.suspend(() => loop({ cursor: undefined, page: 1 }, new Set()))
    }

    /** The tree of nodes a set of selected streams needs under `root`. */
    const treeOf = (root: StreamModel, selected: ReadonlySet<string>): Node | undefined => {
      const build = (stream: StreamModel): Node | undefined => {
        const children = connector.streams
          .filter((s) => s.derivedFrom === undefined && s.partitioning._tag === "Parent" && s.partitioning.parent === stream.name)
          .map(build)
          .filter((n): n is Node => n !== undefined)
        const fed = connector.streams.filter((s) => (s === stream || s.derivedFrom === stream.name) && selected.has(s.name))
        if (fed.length === 0 && children.length === 0) return undefined
        return { stream, select: recordSelector(stream.records), outputs: fed.map(outputOf), children }
      }
      return build(root)
    }

    /** The stream at the root of a stream's requests. */
    const rootOf = (stream: StreamModel): StreamModel => {
      if (stream.derivedFrom !== undefined) return rootOf(definition(stream.derivedFrom))
      if (stream.partitioning._tag === "Parent") return rootOf(definition(stream.partitioning.parent))
      return stream
    }

    /** The streams of a tree in the order its events come out, each with its descendants. */
    const selectedUnder = (node: Node): Array<string> => [
      ...node.outputs.map((o) => o.stream.name),
      ...node.children.flatMap(selectedUnder)
    ]

    /** The children stages of a tree, parents before their children. */
    const stagesOf = (node: Node): Array<{ readonly parent: Node; readonly child: Node }> =>
      node.children.flatMap((child) => [{ parent: node, child }, ...stagesOf(child)])

    /** A group: a root read once for all its selected streams. */
    const readGroup = (root: StreamModel, runs: ReadonlyArray<StreamRun>, options: RunOptions): Stream.Stream<RunEvent> =>
      Stream.unwrap(Effect.gen(function*() {
        const byName = new Map(runs.map((r) => [r.stream.name, r]))
        const tree = treeOf(root, new Set(byName.keys()))!
        const order = selectedUnder(tree)
        const now = yield* Clock.currentTimeMillis
        const today = todayUtc(now)
        // each stream's position: a full refresh keeps only a read under way, an incremental one its cursor too
        const positions = order.map((name) => {
          const run = byName.get(name)!
          if (run.state === undefined) return undefined
          return run.incremental ? run.state : run.state.resume === undefined ? undefined : { resume: run.state.resume }
        })
        const start = commonStart(positions)
        const cursor = root.cursor
        const resume = start?.resume
        const startedAt = resume?.started_at ?? new Date(now).toISOString()
        // read whole: no cursor to start from (every child is read for every parent)
        const whole = start?.cursor === undefined
        const requests = new Map<string, number>()
        const counter = (stream: string) => () => {
          requests.set(stream, (requests.get(stream) ?? 0) + 1)
        }
        const failed = new Set<string>()
        let max = resume?.max ?? (cursor?._tag === "Filter" ? start?.cursor : undefined)
        const onlyNew = new Map(order.flatMap((name) => {
          const s = byName.get(name)!
          return s.stream.cursor?._tag === "Parent" && s.stream.cursor.onlyNew
            ? [[name, { known: new Map(Object.entries(s.state?.seen ?? {}).map(([day, keys]) => [day, new Set(keys)] as const)) }] as const]
            : []
        }))

        /** The state of every stream of the group after the pages so far (`final`: the read is complete). */
        const stateAt = (position: Resume | undefined, final: boolean, stream: string): StreamState => {
          const cursor = final ? finalCursor() : start?.cursor
          const seen = onlyNew.get(stream)
          return defined({
            cursor,
            resume: final ? undefined : defined({ ...position, max, started_at: startedAt }),
            seen: seen === undefined ? undefined : seenState(seen.known)
          })
        }
        const finalCursor = (): string | undefined => {
          switch (cursor?._tag) {
            case "Filter":
              return max ?? start?.cursor
            case "Window":
              return earlier(max, today) ?? start?.cursor
            case "Snapshot":
              return today
            default:
              return undefined
          }
        }
        /** Parent keys a later read can meet again: those whose root date is within the lookback of the newest. */
        const seenState = (known: ReadonlyMap<string, ReadonlySet<string>>): Record<string, Array<string>> => {
          const horizon = cursor?._tag === "Window" && max !== undefined ? daysBefore(earlier(max, today)!, cursor.lookback) : undefined
          const out: Record<string, Array<string>> = {}
          for (const [day, keys] of known) if (horizon === undefined || day === "" || day >= horizon) out[day] = [...keys]
          return out
        }

        const started = Stream.fromIterable(order.map((name): RunEvent => ({ _tag: "Started", stream: name, from: byName.get(name)!.state })))

        const event = (e: RunEvent): Item => ({ _tag: "Event", event: e })
        /** A page of the root: its outputs' records, its records for the children, its position after. */
        const rootItems = (node: Node, page: PageRecords, rootDate: (r: ApiRecord) => string | undefined): Array<Item> => {
          const items: Array<Item> = []
          for (const { output, records, problems } of page.out) {
            if (records.length > 0 || problems !== undefined) items.push(event({ _tag: "Records", stream: output.stream.name, records, problems }))
          }
          if (node.children.length > 0) for (const record of page.own) items.push({ _tag: "Parent", node, record, rootDate: rootDate(record) })
          return items
        }

        const rootPages = rootStream(tree, root.partitioning, {
          start,
          resume,
          options,
          now,
          count: counter(root.name),
          track: (value) => {
            max = later(max, value)
          },
          onItems: rootItems
        })

        // each child stream's stage: its requests for the parent records coming through, the rest passed on
        const staged = stagesOf(tree).reduce<Stream.Stream<ReadonlyArray<Item>, ReadFailure>>(
          (input, { parent, child }) => {
            const link = child.stream.partitioning as Extract<Partitioning, { _tag: "Parent" }>
            const under = selectedUnder(child)
            const seen = onlyNew.get(child.stream.name)
            const count = counter(child.stream.name)
            type Emit = (items: ReadonlyArray<Item>) => Effect.Effect<void>
            const failChild = (emit: Emit) => (error: ReadFailure): Effect.Effect<void> =>
              Effect.suspend(() => {
                if (failed.has(child.stream.name)) return Effect.void
                // the child and every stream under it stop; the parent and the other children go on
                for (const name of under) failed.add(name)
                failed.add(child.stream.name)
                return emit(under.map((name) => event({ _tag: "Failed", stream: name, error, requests: requests.get(name) ?? 0 })))
              })
            const readChild = (one: Extract<Item, { _tag: "Parent" }>, emit: Emit): Effect.Effect<void> => {
              if (failed.has(child.stream.name)) return Effect.void
              const value = fieldValue(one.record, link.field)
              if (value === undefined || value === null) {
                return failChild(emit)(readError(child.stream, "UnexpectedResponse", `a ${parent.stream.name} record has no "${link.field}"`))
              }
              const key = String(value)
              if (seen !== undefined) {
                for (const keys of seen.known.values()) if (keys.has(key)) return Effect.void
              }
              const parentKey = { [link.param]: key }
              return childPages(child, { path: parentKey }, count, (body) => {
                const page = pageRecords(child, body, parentKey)
                return page instanceof ReadError ? Effect.fail(page) : emit(rootItems(child, page, () => one.rootDate))
              }).pipe(
                Effect.tap(() =>
                  Effect.sync(() => {
                    if (seen === undefined) return
                    const day = one.rootDate ?? ""
                    let keys = seen.known.get(day)
                    if (keys === undefined) seen.known.set(day, keys = new Set())
                    keys.add(key)
                  })
                ),
                Effect.catchAll(failChild(emit))
              )
            }
            return fanOut(input, (item, emit: Emit) => {
              if (item._tag !== "Parent" || item.node !== parent) return emit([item])
              return Effect.zipRight(emit([item]), readChild(item, emit))
            }, { workers: substreams, ahead: PARENTS_AHEAD, held: HELD_PAGES }).pipe(Stream.mapChunks((run) => Chunk.of(Chunk.toArray(run).flat())))
          },
          rootPages
        )

        const done = new Set<string>()
        const events = staged.pipe(
          Stream.mapConcat((items) => {
            const out: Array<RunEvent> = []
            for (const item of items) {
              if (item._tag === "Parent") continue
              if (item._tag === "Position") {
                for (const name of order) if (!failed.has(name)) out.push({ _tag: "Checkpoint", stream: name, state: stateAt(item.resume, false, name) })
                continue
              }
              const e = item.event
              if (e._tag === "Failed") done.add(e.stream)
              out.push(e)
            }
            return out
          }),
          // the root read failed: every stream of the group still going fails with it
          Stream.catchAll((error) =>
            Stream.suspend(() => {
              const going = order.filter((name) => !failed.has(name) && !done.has(name))
              for (const name of going) done.add(name)
              return Stream.fromIterable(going.map((name): RunEvent => ({ _tag: "Failed", stream: name, error, requests: requests.get(name) ?? 0 })))
            })
          ),
          Stream.concat(Stream.suspend(() => {
            if (order.every((name) => failed.has(name) || done.has(name))) return Stream.empty
            const live = order.filter((name) => !failed.has(name) && !done.has(name))
            return Stream.fromIterable(live.flatMap((name): Array<RunEvent> => [
              { _tag: "Checkpoint", stream: name, state: stateAt(undefined, true, name) },
              {
                _tag: "Completed",
                stream: name,
                requests: requests.get(name) ?? 0,
                // a child read once per parent skipped the parents it had read before
                whole: (whole || cursor === undefined) && Object.keys(byName.get(name)!.state?.seen ?? {}).length === 0,
                startedAt
              }
            ]))
          }))
        )
        return Stream.concat(started, events)
      }))

    interface RootContext {
      readonly start: StreamState | undefined
      readonly resume: Resume | undefined
      readonly options: RunOptions
      readonly now: number
      readonly count: () => void
      /** told of each cursor value read */
      readonly track: (value: string) => void
      readonly onItems: (node: Node, page: PageRecords, rootDate: (r: ApiRecord) => string | undefined) => Array<Item>
    }

    /** The pages of a group's root, as items: records, parents for the children, the position after each page. */
    const rootStream = (node: Node, partitioning: Partitioning, ctx: RootContext): Stream.Stream<ReadonlyArray<Item>, ReadFailure> => {
      const stream = node.stream
      const cursor = stream.cursor
      const startCursor = ctx.start?.cursor
      const asPage = (body: unknown, filter?: (r: ApiRecord) => boolean): PageRecords | ReadError => {
        const page = pageRecords(node, body, undefined)
        if (page instanceof ReadError || filter === undefined) return page
        return {
          own: page.own.filter(filter),
          out: page.out.map((o) => (o.output.stream === stream ? { ...o, records: o.records.filter(filter) } : o))
        }
      }
      const trackField = cursor?._tag === "Filter" || cursor?._tag === "Window" ? cursor.field : undefined
      // a cursor value from the future would stall the stream for good: it is not kept (said once)
      const latest = new Date(ctx.now + FUTURE_TOLERANCE_MS).toISOString()
      let future: string | undefined
      const track = (page: PageRecords): Effect.Effect<void> => {
        if (trackField === undefined) return Effect.void
        const found = future
        for (const record of page.own.length > 0 ? page.own : page.out.find((o) => o.output.stream === stream)?.records ?? []) {
          const value = fieldValue(record, trackField)
          if (typeof value !== "string") continue
          if (cursor?._tag === "Filter" && value > latest) future ??= value
          else ctx.track(cursor?._tag === "Window" ? value.slice(0, 10) : value)
        }
        return found === undefined && future !== undefined
          ? Effect.logWarning(`stream ${stream.name}: a record's ${trackField} is in the future (${future}); the cursor does not move past now`)
          : Effect.void
      }

      if (partitioning._tag === "DateWindows") {
        const { startParam, endParam, step, recordField, lookahead } = partitioning
        const first = cursor?._tag === "Window" && startCursor !== undefined
          ? daysBefore(earlier(startCursor, todayUtc(ctx.now))!, cursor.lookback)
          : ctx.options.startDate ?? todayUtc(ctx.now - Duration.toMillis(DEFAULT_LOOKBACK))
        const windows = dateWindows(first, todayUtc(ctx.now + (lookahead === undefined ? 0 : Duration.toMillis(lookahead))), step)
        // a resumed read goes on at its window (the last one starting by then, should the windows have moved)
        const resumeAt = ctx.resume?.window
        const from = resumeAt === undefined ? 0 : Math.max(0, windows.filter((w) => w.start <= resumeAt).length - 1)
        const resumePage = resumeAt !== undefined && windows[from]?.start === resumeAt ? ctx.resume?.page : undefined
        const dateOf = (r: ApiRecord) => {
          const value = recordField === undefined ? undefined : fieldValue(r, recordField)
          return typeof value === "string" ? value.slice(0, 10) : undefined
        }
        return Stream.fromIterable(windows.slice(from).map((w, i) => ({ w, i: i + from }))).pipe(
          Stream.flatMap(({ w, i }) => {
            const inWindow = (r: ApiRecord) => {
              const day = dateOf(r)
              return day === undefined || (day >= w.start && day <= w.end)
            }
            const page = i === from ? resumePage : undefined
            return pagesFrom(node, { query: { [startParam]: w.start, [endParam]: w.end } }, page, ctx.count, (body, next) => {
              const records = asPage(body, recordField === undefined ? undefined : inWindow)
              if (records instanceof ReadError) return Effect.fail(records)
              const position: Resume | undefined = next !== undefined
                ? { window: w.start, page: next.cursor }
                : i + 1 < windows.length
                ? { window: windows[i + 1]!.start }
                : undefined
              const items = ctx.onItems(node, records, dateOf)
              // after the last page of the last window comes the final state
              if (position !== undefined) items.push({ _tag: "Position", resume: position })
              return Effect.as(track(records), items)
            })
          }, { concurrency: 1 })
        )
      }

      if (partitioning._tag === "Report") {
        if (cursor?._tag === "Snapshot" && startCursor === todayUtc(ctx.now)) return Stream.empty
        return reportPages(node, partitioning, ctx)
      }

      // one request, or its pages: from a cursor when incremental, from a saved page when resumed
      const input: CallInput = cursor?._tag === "Filter" && startCursor !== undefined ? { query: { [cursor.requestParam]: startCursor } } : {}
      return pagesFrom(node, input, ctx.resume?.page, ctx.count, (body, next) => {
        const records = asPage(body)
        if (records instanceof ReadError) return Effect.fail(records)
        const items = ctx.onItems(node, records, () => undefined)
        if (next !== undefined) items.push({ _tag: "Position", resume: { page: next.cursor } })
        return Effect.as(track(records), items)
      })
    }

    /** Start the report(s), poll each until ready, then page through its items. */
    const reportPages = (
      node: Node,
      report: Extract<Partitioning, { _tag: "Report" }>,
      ctx: RootContext
    ): Stream.Stream<ReadonlyArray<Item>, ReadFailure> => {
      const stream = node.stream
      const today = todayUtc(ctx.now)
      /** Every record of an input stream, read with the report's query parameters. */
      const inputRecords = (input: { readonly stream: string; readonly query: Readonly<Record<string, string>> }) => {
        const inputStream = definition(input.stream)
        const inputNode: Node = { stream: inputStream, select: recordSelector(inputStream.records), outputs: [], children: [] }
        return pagesFrom(inputNode, { query: input.query }, undefined, ctx.count, (body) => {
          const selected = inputNode.select(body)
          return selected.ok ? Effect.succeed(selected.records) : Effect.fail(readError(inputStream, "UnexpectedResponse", selected.detail))
        }).pipe(Stream.flattenIterables)
      }
      // the first input is streamed; the others (small dimensions such as policies) are read once and kept
      const [first, ...rest] = report.forEach
      const combos: Stream.Stream<ApiRecord, ReadFailure> = first === undefined
        ? Stream.make({})
        : Stream.unwrap(Effect.map(
          Effect.forEach(rest, (input) => Effect.map(Stream.runCollect(inputRecords(input)), (c) => [input.stream, Chunk.toArray(c)] as const)),
          (dimensions) =>
            Stream.flatMap(inputRecords(first), (record) =>
              Stream.fromIterable(dimensions.reduce<Array<ApiRecord>>(
                (all, [name, records]) => all.flatMap((combo) => records.map((r) => ({ ...combo, [name]: r }))),
                [{ [first.stream]: record }]
              )))
        ))
      const poll = (id: string) =>
        Effect.suspend(() => {
          ctx.count()
          return api.call(stream.endpoint.id, { path: { [report.param]: id }, query: {} })
        }).pipe(
          Effect.flatMap((body) => {
            const status = fieldValue(body, report.statusField)
            if (status === report.ready) return Effect.succeed(true)
            if (status === report.failed) return Effect.fail(readError(stream, "ReportFailed", `report ${id} failed: ${JSON.stringify(fieldValue(body, "message") ?? null)}`))
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
            onTimeout: () => readError(stream, "ReportTimeout", `report ${id} was not ready within ${Duration.format(report.timeout)}`)
          })
        )
      const create = (combo: ApiRecord) =>
        Effect.suspend(() => {
          ctx.count()
          return api.call(report.create.id, { body: fillTemplate(report.body, combo, today) })
        }).pipe(
          Effect.flatMap((created) => {
            const id = fieldValue(created, report.idField)
            return typeof id === "string"
              ? Effect.as(poll(id), id)
              : Effect.fail(readError(stream, "UnexpectedResponse", `the create response has no "${report.idField}"`))
          })
        )
      // a report the API could not make (a member not employed on the day) is a problem of the stream (warn), or
      // its failure (strict)
      const made = (combo: ApiRecord) =>
        strict ? create(combo) : create(combo).pipe(
          Effect.catchIf((e): e is ReadError => e._tag === "ReadError" && e.reason === "ReportFailed", (e) => Effect.succeed(e))
        )
      return combos.pipe(
        Stream.mapEffect(made, { concurrency: substreams }),
        Stream.flatMap((id) =>
          typeof id !== "string"
            ? Stream.make([{
              _tag: "Event",
              event: { _tag: "Records", stream: stream.name, records: [], problems: [{ path: "", message: `a report failed: ${id.detail.replace(/^report \S+ failed: /, "")}` }] }
            } as Item])
            : pagesFrom(node, { path: { [report.param]: id } }, undefined, ctx.count, (body) => {
              const page = pageRecords(node, body, undefined)
              return page instanceof ReadError ? Effect.fail(page) : Effect.succeed(ctx.onItems(node, page, () => undefined))
            }), { concurrency: substreams })
      )
    }

    const run = (runs: ReadonlyArray<StreamRun>, options: RunOptions): Stream.Stream<RunEvent> => {
      const groups = new Map<StreamModel, Array<StreamRun>>()
      for (const r of runs) {
        const root = rootOf(r.stream)
        const list = groups.get(root) ?? []
        list.push(r)
        groups.set(root, list)
      }
      const reads = [...groups].map(([root, members]) => readGroup(root, members, options))
      // one group is read in place; several are merged through a small buffer: a page held in the merge's queue
      // (16 chunks by default) outlives young collections and is promoted (see `pulled.ts`)
      return reads.length === 1
        ? reads[0]!
        : Stream.mergeAll(reads, { concurrency: Math.max(1, options.concurrency), bufferSize: 2 })
    }

    /** One stream, as the library reads it: incremental when it has a cursor, its failure the stream's. */
    const read = (name: string, options: ReadOptions): Stream.Stream<ReadEvent, ReadFailure> =>
      Stream.suspend(() => {
        const stream = definition(name)
        const events = run([{ stream, incremental: stream.cursor !== undefined, state: options.state }], { startDate: options.startDate, concurrency: 1 })
        return mapChunksPulled(events, (chunk) => {
          const out: Array<ReadEvent> = []
          let warnings: Effect.Effect<void> = Effect.void
          let failure: ReadFailure | undefined
          for (const e of chunk) {
            if (e._tag === "Records") {
              if (e.records.length > 0) out.push({ _tag: "Records", stream: e.stream, records: e.records })
              if (e.problems !== undefined) warnings = Effect.zipRight(warnings, warnOnce(e.stream, e.problems))
            } else if (e._tag === "Checkpoint") {
              out.push({ _tag: "Checkpoint", stream: e.stream, state: e.state })
            } else if (e._tag === "Failed") {
              failure = e.error
              break
            }
          }
          return Effect.as(warnings, { out: Chunk.unsafeFromArray(out), failure })
        })
      })

    /** Problems of records kept (`warn`), logged once per field and reason for the library's reads. */
    const warned = new Set<string>()
    const warnOnce = (stream: string, problems: ReadonlyArray<RecordProblem>) =>
      Effect.forEach(problems, (problem) => {
        const key = `${stream}\u0000${problemKey(problem)}`
        if (warned.has(key)) return Effect.void
        if (warned.size < 10_000) warned.add(key)
        return Effect.logWarning(`stream ${stream}: records kept that do not match the schema: ${problemKey(problem)}`)
      }, { discard: true })

    /**
     * The records of a stream. One read by a single request or its pages (no parent, date windows or report)
     * emits each page's records as they come, without events to make and flatten.
     */
    const records = (name: string, options: ReadOptions): Stream.Stream<ApiRecord, ReadFailure> =>
      Stream.suspend(() => {
        const stream = definition(name)
        if (stream.partitioning._tag !== "None" || stream.derivedFrom !== undefined) {
          return Stream.mapConcat(read(name, options), (e) => (e._tag === "Records" ? e.records : []))
        }
        const node: Node = { stream, select: recordSelector(stream.records), outputs: [outputOf(stream)], children: [] }
        const cursor = stream.cursor
        const from = options.state?.cursor
        const input: CallInput = cursor?._tag === "Filter" && from !== undefined ? { query: { [cursor.requestParam]: from } } : {}
        return pagesFrom(node, input, options.state?.resume?.page, () => {}, (body) => {
          const page = outputRecords(node.outputs[0]!, body, undefined)
          if (page instanceof ReadError) return Effect.fail(page)
          const out = Chunk.unsafeFromArray(page.records as Array<ApiRecord>)
          return page.problems === undefined ? Effect.succeed(out) : Effect.as(warnOnce(name, page.problems), out)
        }).pipe(Stream.flattenChunks)
      })

    return StreamReader.of({ streams: connector.streams, run, read, records })
  })

  static layer = Layer.effect(StreamReader, StreamReader.make)
}

/** The object without its undefined properties (a state is compared and saved as JSON). */
const defined = <A extends object>(value: A): A =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as A

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

export { isoDay }
