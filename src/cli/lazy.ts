/**
 * Load a module when a command needs it. The bundle is split at these imports, so a command compiles only
 * the code it runs (`spec` starts without the HTTP client, SQLite or the mock server).
 */
import { Effect, Layer } from "effect"

export const lazy = <M, A, E, R>(load: () => Promise<M>, use: (module: M) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.promise(load), use)

export const lazyLayer = <M, ROut, E, RIn>(
  load: () => Promise<M>,
  use: (module: M) => Layer.Layer<ROut, E, RIn>
): Layer.Layer<ROut, E, RIn> => Layer.unwrapEffect(Effect.map(Effect.promise(load), use))
