/**
 * The ordered fan-out: item order whatever order the items finish in, no barrier at a page's end, its
 * bounds (workers, items started ahead, outputs held), failures and early ends.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Deferred, Duration, Effect, Exit, Fiber, Stream } from "effect"
import { fanOut } from "./fanOut.js"

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

/** Let the fan-out's fibers run until they wait (they wait on each other, not on the clock). */
const settle = Effect.sleep(Duration.millis(30))

/** Pages as a stream that gives one page per pull (`Stream.make` gives them all in one chunk). */
const paged = <A>(...pages: ReadonlyArray<ReadonlyArray<A>>) => Stream.rechunk(Stream.make(...pages), 1)

describe("fanOut", () => {
  it.live("outputs come in item order across pages, whatever order the items finish in, `workers` at a time", () =>
    Effect.gen(function*() {
      let running = 0
      let most = 0
      const pages = paged([1, 2, 3, 4, 5], [], [6, 7, 8], [9, 10, 11, 12, 13])
      const outputs = yield* collect(fanOut(pages, (n: number, emit: (s: string) => Effect.Effect<void>) =>
        Effect.gen(function*() {
          running++
          most = Math.max(most, running)
          yield* Effect.sleep(Duration.millis((n * 7) % 5))
          yield* emit(`${n}a`)
          yield* Effect.sleep(Duration.millis((n * 3) % 4))
          yield* emit(`${n}b`)
          running--
        }), { workers: 3, ahead: 10, held: 2 }))
      expect(outputs).toEqual(Array.from({ length: 13 }, (_, i) => [`${i + 1}a`, `${i + 1}b`]).flat())
      expect(most).toBe(3)
    }))

  it.live("a free worker goes on to the next page while the last item of a page is in flight", () =>
    Effect.gen(function*() {
      const nextPageStarted = yield* Deferred.make<void>()
      const outputs = yield* collect(fanOut(paged(["a", "b"], ["c", "d"]), (item: string, emit: (s: string) => Effect.Effect<void>) =>
        Effect.gen(function*() {
          // "b" finishes only once "c", of the next page, has started: a barrier at the page's end never lets it
          if (item === "b") yield* Deferred.await(nextPageStarted)
          if (item === "c") yield* Deferred.succeed(nextPageStarted, undefined)
          yield* emit(item)
        }), { workers: 2, ahead: 10, held: 2 })).pipe(Effect.timeoutFail({ duration: Duration.seconds(2), onTimeout: () => "stuck at the page's end" }))
      expect(outputs).toEqual(["a", "b", "c", "d"])
    }))

  it.live("starts items at most `ahead` past the oldest one not passed on", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      const started: Array<number> = []
      const read = yield* Effect.fork(collect(fanOut(Stream.make(Array.from({ length: 20 }, (_, i) => i)), (n: number, emit: (n: number) => Effect.Effect<void>) =>
        Effect.gen(function*() {
          started.push(n)
          if (n === 0) yield* Deferred.await(release)
          yield* emit(n)
        }), { workers: 4, ahead: 6, held: 2 })))
      yield* settle
      expect(started).toEqual([0, 1, 2, 3, 4, 5])
      yield* Deferred.succeed(release, undefined)
      expect(yield* Fiber.join(read)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    }))

  it.live("an item waits to emit more than `held` outputs until they are passed on", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      let emitted = 0
      const read = yield* Effect.fork(collect(fanOut(Stream.make([0, 1]), (n: number, emit: (s: string) => Effect.Effect<void>) =>
        n === 0
          ? Effect.zipRight(Deferred.await(release), emit("0"))
          : Effect.forEach(["1a", "1b", "1c", "1d", "1e"], (s) => Effect.zipRight(Effect.sync(() => emitted++), emit(s)), { discard: true }),
        { workers: 2, ahead: 10, held: 2 })))
      yield* settle
      // item 1 holds two outputs behind item 0, which is still in flight
      expect(emitted).toBe(2)
      yield* Deferred.succeed(release, undefined)
      expect(yield* Fiber.join(read)).toEqual(["0", "1a", "1b", "1c", "1d", "1e"])
    }))

  it.live("no wake-up is lost, wherever the fibers are paused (small pages, every item emitting 0–3 outputs)", () =>
    Effect.gen(function*() {
      const items = Array.from({ length: 60 }, (_, i) => i)
      const pages = Stream.rechunk(Stream.fromIterable(items.map((i) => [i])), 1)
      const expected = items.flatMap((i) => Array.from({ length: i % 4 }, (_, k) => `${i}.${k}`))
      // the run loop pauses a fiber every `ops` steps: between a check and its wait, among others (Effect's
      // own streams need about 10 steps to get anywhere)
      for (const ops of [10, 11, 12, 13, 16, 17, 23, 47, 2048]) {
        const outputs = yield* collect(fanOut(pages, (i: number, emit: (s: string) => Effect.Effect<void>) =>
          Effect.forEach(Array.from({ length: i % 4 }, (_, k) => `${i}.${k}`), emit, { discard: true }), { workers: 3, ahead: 5, held: 1 })).pipe(
          Effect.withMaxOpsBeforeYield(ops),
          Effect.timeoutFail({ duration: Duration.seconds(5), onTimeout: () => `stuck when pausing every ${ops} steps` })
        )
        expect(outputs).toEqual(expected)
      }
    }))

  it.live("an item waiting for its outputs to be taken is served once the items before it are done", () =>
    Effect.gen(function*() {
      // the source ends only later: nothing but item 0's end can get item 1's outputs passed on before that
      const pages = Stream.concat(Stream.make([0, 1]), Stream.drain(Stream.fromEffect(Effect.sleep(Duration.millis(500)))))
      const outputs: Array<string> = []
      const read = yield* Effect.fork(Stream.runForEach(fanOut(pages, (n: number, emit: (s: string) => Effect.Effect<void>) =>
        n === 0
          ? Effect.zipRight(Effect.sleep(Duration.millis(10)), emit("0"))
          : Effect.zipRight(emit("1a"), emit("1b")), { workers: 2, ahead: 10, held: 1 }), (s) => Effect.sync(() => outputs.push(s))))
      yield* Effect.sleep(Duration.millis(250))
      expect(outputs).toEqual(["0", "1a", "1b"])
      yield* Fiber.join(read)
      expect(outputs).toEqual(["0", "1a", "1b"])
    }))

  it.live("outputs ready are passed on while the next page is being read", () =>
    Effect.gen(function*() {
      const nextPage = yield* Deferred.make<ReadonlyArray<number>>()
      const pages = Stream.concat(Stream.make([1, 2]), Stream.fromEffect(Deferred.await(nextPage)))
      const outputs: Array<number> = []
      // the next page comes only once the first page's outputs have come out
      yield* Stream.runForEach(fanOut(pages, (n: number, emit: (n: number) => Effect.Effect<void>) => emit(n), { workers: 3, ahead: 10, held: 2 }), (n) =>
        Effect.zipRight(Effect.sync(() => outputs.push(n)), n === 2 ? Deferred.succeed(nextPage, [3]) : Effect.void)).pipe(
          Effect.timeoutFail({ duration: Duration.seconds(2), onTimeout: () => "outputs held until the next page" })
        )
      expect(outputs).toEqual([1, 2, 3])
    }))

  it.live("`emit` acts when its effect runs, not when it is called", () =>
    Effect.gen(function*() {
      const outputs = yield* collect(fanOut(paged([1, 2, 3], [4]), (n: number, emit: (n: number) => Effect.Effect<void>) =>
        Effect.zipRight(Effect.yieldNow(), Effect.zipRight(emit(n), emit(-n))), { workers: 2, ahead: 4, held: 1 })).pipe(
          Effect.timeoutFail({ duration: Duration.seconds(2), onTimeout: () => "stuck" })
        )
      expect(outputs).toEqual([1, -1, 2, -2, 3, -3, 4, -4])
    }))

  it.live("a failing item fails the stream and interrupts the items in flight", () =>
    Effect.gen(function*() {
      let interrupted = 0
      const exit = yield* Effect.exit(collect(fanOut(Stream.make([1, 2, 3]), (n: number, emit: (n: number) => Effect.Effect<void>) =>
        n === 2
          ? Effect.zipRight(Effect.sleep(Duration.millis(5)), Effect.fail(`item ${n} failed`))
          : Effect.zipRight(Effect.onInterrupt(Effect.never, () => Effect.sync(() => interrupted++)), emit(n)),
        { workers: 3, ahead: 10, held: 2 })))
      expect(exit).toEqual(Exit.fail("item 2 failed"))
      expect(interrupted).toBe(2)
    }))

  it.live("a failing page fails the stream", () =>
    Effect.gen(function*() {
      const pages = Stream.concat(Stream.make([1, 2]), Stream.fail("page 2 failed"))
      const exit = yield* Effect.exit(collect(fanOut(pages, (n: number, emit: (n: number) => Effect.Effect<void>) => emit(n), { workers: 2, ahead: 10, held: 2 })))
      expect(exit).toEqual(Exit.fail("page 2 failed"))
    }))

  it.live("a consumer that stops early ends the items in flight and reads no further pages", () =>
    Effect.gen(function*() {
      let pagesRead = 0
      let started = 0
      let ended = 0
      const pages = Stream.repeatEffect(Effect.sync(() => {
        pagesRead++
        return [pagesRead * 10, pagesRead * 10 + 1]
      }))
      const outputs = yield* collect(Stream.take(fanOut(pages, (n: number, emit: (n: number) => Effect.Effect<void>) =>
        Effect.sync(() => started++).pipe(
          Effect.zipRight(n >= 20 ? Effect.never : emit(n)),
          Effect.ensuring(Effect.sync(() => ended++))
        ), { workers: 2, ahead: 10, held: 2 }), 2))
      expect(outputs).toEqual([10, 11])
      // every item started has ended (the ones never answering were interrupted) by the time the stream has
      expect(ended).toBe(started)
      const read = pagesRead
      yield* settle
      expect(pagesRead).toBe(read)
      expect(pagesRead).toBeLessThanOrEqual(3)
    }))

  it.live("interrupting the consumer while it waits interrupts the fan-out cleanly", () =>
    Effect.gen(function*() {
      let ended = 0
      const read = yield* Effect.fork(collect(fanOut(paged([1, 2], [3]), (_: number, __: (n: number) => Effect.Effect<void>) =>
        Effect.ensuring(Effect.never, Effect.sync(() => ended++)), { workers: 2, ahead: 4, held: 1 })))
      yield* settle
      const exit = yield* Fiber.interrupt(read)
      expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
      expect(ended).toBe(2)
    }))

  it.effect("no items (no pages, or empty ones) is an empty stream", () =>
    Effect.gen(function*() {
      const each = (n: number, emit: (n: number) => Effect.Effect<void>) => emit(n)
      expect(yield* collect(fanOut(Stream.empty, each, { workers: 2, ahead: 10, held: 2 }))).toEqual([])
      expect(yield* collect(fanOut(paged([], []), each, { workers: 2, ahead: 10, held: 2 }))).toEqual([])
    }))
})
