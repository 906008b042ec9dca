/**
 * Effectful steps over a stream's chunks, driven by pulling the stream (`Stream.toPull`) instead of the
 * channel operators `Stream.mapEffect`, `mapConcatEffect` and `runForEach`.
 *
 * Why: those operators keep each element reachable through the continuations the channel builds per element
 * for longer than its step. Over a read of pages, young collections then find every page alive, copy it, and
 * promote it: the old generation fills with pages that die there, young collections cost several times more,
 * and the heap grows with the read until a full collection (`node --trace-gc-nvp` shows it: `promoted=` per
 * scavenge; bench/README.md has the figures). A pulled loop holds one chunk at a time.
 */
import { Chunk, Effect, Option, Stream } from "effect"

/** What a step made of a chunk, and the failure that ends the stream after it, if any. */
export interface Step<B, E> {
  readonly out: Chunk.Chunk<B>
  readonly failure?: E | undefined
}

/**
 * `f` over each chunk of `self`, in order. A step's `failure` fails the stream once its `out` is passed on (what
 * came before a failure is not lost); a failure of `self` fails it at once.
 */
export const mapChunksPulled = <A, E, R, B, E2, R2>(
  self: Stream.Stream<A, E, R>,
  f: (chunk: Chunk.Chunk<A>) => Effect.Effect<Step<B, E2>, never, R2>
): Stream.Stream<B, E | E2, R | R2> =>
  Stream.unwrapScoped(Effect.map(Stream.toPull(self), (pull) => {
    let failure: Option.Option<E | E2> = Option.none()
    const next: Effect.Effect<Chunk.Chunk<B>, Option.Option<E | E2>, R | R2> = Effect.suspend(() =>
      Option.isSome(failure)
        ? Effect.fail(failure)
        : Effect.flatMap(pull, (chunk) =>
          Effect.flatMap(f(chunk), (step) => {
            if (step.failure === undefined) return Effect.succeed(step.out)
            failure = Option.some(step.failure)
            return Chunk.isEmpty(step.out) ? Effect.fail(failure) : Effect.succeed(step.out)
          }))
    )
    return Stream.repeatEffectChunkOption(next)
  }))

/** Run `f` for each element of `self`, in order, until the stream ends or either fails. */
export const forEachPulled = <A, E, R, E2, R2>(
  self: Stream.Stream<A, E, R>,
  f: (element: A) => Effect.Effect<void, E2, R2>
): Effect.Effect<void, E | E2, R | R2> =>
  Effect.scoped(Effect.flatMap(Stream.toPull(self), (pull) => {
    const loop: Effect.Effect<void, E | E2, R | R2> = Effect.matchEffect(pull, {
      onFailure: Option.match({ onNone: () => Effect.void, onSome: (e: E) => Effect.fail(e) }),
      onSuccess: (chunk) => Effect.zipRight(Effect.forEach(chunk, f, { discard: true }), loop)
    })
    return loop
  }))
