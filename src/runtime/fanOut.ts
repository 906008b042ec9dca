/**
 * A fan-out in order: work on the items of a paged stream by a fixed pool of worker fibers, and pass on what
 * each item emits in item order. A worker takes the next item as soon as it is free, across pages (no
 * barrier at the end of a page: the last slow items of a page overlap the first of the next); outputs are
 * passed on once every item before them is done, so records flow on instead of waiting for their page.
 * They are passed on in runs (when `workers` items in a row are done, when the first item not done holds
 * `held` outputs, when a worker would wait — for `ahead`, or for the next page — with outputs ready, and near
 * the end): each hand-over costs the stream's stages, so one per item would be felt.
 *
 * Plain state and wake-up signals instead of a fiber, deferred or queue per item: a fan-out of small
 * requests feels every per-item cost (a `Stream.flatMap` per item costs ~50 µs, a fiber per item more than
 * the request). Everything is bounded (see `FanOutOptions`).
 */
import { Cause, Chunk, Effect, Exit, Option, Stream } from "effect"

export interface FanOutOptions {
  /** fibers working on items at once */
  readonly workers: number
  /** a worker starts an item at most this many items after the oldest one not passed on yet */
  readonly ahead: number
  /** outputs an item holds before the consumer takes them: its `emit` waits beyond that */
  readonly held: number
}

/**
 * A wake-up call between fibers. `next()` is built when a fiber has found it must wait: the effect ends at
 * the first `wake()` after that moment, even one that comes before the fiber has got as far as waiting (a fiber
 * can be paused between its check and its wait, and another run meanwhile), so no wake-up is lost.
 */
class Signal {
  private calls = 0
  private waiters: Array<() => void> = []

  wake(): void {
    this.calls++
    if (this.waiters.length === 0) return
    const woken = this.waiters
    this.waiters = []
    for (const wake of woken) wake()
  }

  next(): Effect.Effect<void> {
    const seen = this.calls
    // no canceler is returned: an interrupted wait costs nothing, and no interruption region wraps each wait
    return Effect.async<void>((resume) => {
      if (this.calls !== seen) resume(Effect.void)
      else this.waiters.push(() => resume(Effect.void))
    })
  }
}

/** One item's outputs not passed on yet, and whether it is done. */
interface Slot<B> {
  outputs: Array<B>
  done: boolean
  /** woken when the consumer takes the outputs (made when the item's worker first waits for that) */
  taken: Signal | undefined
}

/**
 * `each` over every item of `pages` by `options.workers` fibers; what each item `emit`s, in item order (an
 * item's outputs in the order it emitted them, after those of every item before it), each run of outputs
 * ready as one chunk. The next page is read once fewer items are waiting to be taken than the last read
 * brought, so at most about two reads' worth of items are held. The first failure (of a page or of an item)
 * fails the stream and interrupts the workers, as does the consumer ending early.
 */
export const fanOut = <A, B, E, E2, R, R2>(
  pages: Stream.Stream<ReadonlyArray<A>, E, R>,
  each: (item: A, emit: (output: B) => Effect.Effect<void>) => Effect.Effect<void, E2, R2>,
  options: FanOutOptions
): Stream.Stream<B, E | E2, R | R2> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(pages)
    const workers = Math.max(1, options.workers)
    const ahead = Math.max(workers, options.ahead)
    const held = Math.max(1, options.held)

    /** items read and not taken yet: `waiting[taken..]` */
    let waiting: Array<A> = []
    let taken = 0
    /** how many items the last read brought */
    let lastPage = 0
    let sourceDone = false
    /** items started (the next one's index); the oldest one not passed on */
    let started = 0
    let head = 0
    /** items `head` to `ready - 1` are done */
    let ready = 0
    const slots = new Map<number, Slot<B>>()
    let finished = false
    let failed: Cause.Cause<E | E2> | undefined

    const consumer = new Signal()
    const feeder = new Signal()
    const idle = new Signal()

    const readPages: Effect.Effect<void, E, R> = Effect.suspend(() => {
      if (lastPage > 0 && waiting.length - taken >= lastPage) return Effect.zipRight(feeder.next(), readPages)
      return Effect.matchEffect(pull, {
        onFailure: Option.match({
          onNone: () => {
            sourceDone = true
            idle.wake()
            consumer.wake()
            return Effect.void
          },
          onSome: Effect.fail
        }),
        onSuccess: (chunk) => {
          if (taken > 0) {
            waiting = waiting.slice(taken)
            taken = 0
          }
          let count = 0
          for (const page of chunk) {
            for (const item of page) waiting.push(item)
            count += page.length
          }
          if (count > 0) {
            lastPage = count
            idle.wake()
          }
          return readPages
        }
      })
    })

    const work: Effect.Effect<void, E2, R2> = Effect.suspend(() => {
      if (taken < waiting.length && started < head + ahead) {
        const item = waiting[taken++]!
        if (waiting.length - taken < lastPage) feeder.wake()
        const index = started++
        const slot: Slot<B> = { outputs: [], done: false, taken: undefined }
        slots.set(index, slot)
        const emit = (output: B): Effect.Effect<void> =>
          Effect.suspend(() => {
            slot.outputs.push(output)
            if (slot.outputs.length < held) return Effect.void
            const passedOn = (slot.taken ??= new Signal()).next()
            consumer.wake()
            return passedOn
          })
        return Effect.flatMap(each(item, emit), () => {
          slot.done = true
          if (index === ready) {
            ready++
            while (slots.get(ready)?.done === true) ready++
          }
          // the consumer takes a run of `workers` done items, or each item once no item is left to take, or as
          // soon as the first item not done waits for its outputs to be taken
          if (ready - head >= workers || (sourceDone && taken >= waiting.length) || (slots.get(ready)?.outputs.length ?? 0) >= held) {
            consumer.wake()
          }
          return work
        })
      }
      if (sourceDone && taken >= waiting.length) return Effect.void
      // items are waiting but `ahead` is reached (only the consumer passing outputs on lets workers go on), or
      // the next page is being read: what is ready goes on meanwhile
      const next = idle.next()
      if (taken < waiting.length || ready > head) consumer.wake()
      return Effect.zipRight(next, work)
    })

    yield* Effect.forkScoped(
      Effect.onExit(
        Effect.all([readPages, ...Array.from({ length: workers }, () => work)], { concurrency: "unbounded", discard: true }),
        (exit) =>
          Effect.sync(() => {
            if (Exit.isSuccess(exit)) finished = true
            else failed = exit.cause
            consumer.wake()
          })
      )
    )

    /** Every output ready in order, as one chunk; waits while there is none. */
    const take: Effect.Effect<Chunk.Chunk<B>, Option.Option<E | E2>> = Effect.suspend(() => {
      if (failed !== undefined) return Effect.failCause(Cause.map(failed, Option.some))
      const out: Array<B> = []
      let advanced = false
      for (let slot = slots.get(head); slot !== undefined; slot = slots.get(head)) {
        if (slot.outputs.length > 0) {
          for (const output of slot.outputs) out.push(output)
          slot.outputs = []
          slot.taken?.wake()
        }
        if (!slot.done) break
        slots.delete(head)
        head++
        advanced = true
      }
      if (advanced) idle.wake()
      if (out.length > 0) return Effect.succeed(Chunk.unsafeFromArray(out))
      // finished: every item is done, so the loop above has passed every output on
      if (finished) return Effect.fail(Option.none())
      return Effect.zipRight(consumer.next(), take)
    })

    return Stream.repeatEffectChunkOption(take)
  }))
