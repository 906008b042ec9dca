/**
 * Where connections' tokens are kept, keyed by connection id.
 */
import { Context, Effect, Layer, Option, Ref } from "effect"
import type { StoredConnection } from "./StoredConnection.js"
import type { TokenStoreError } from "./TokenStoreError.js"

export class TokenStore extends Context.Tag("justworks-connector/TokenStore")<TokenStore, {
  readonly get: (connectionId: string) => Effect.Effect<Option.Option<StoredConnection>, TokenStoreError>
  /**
   * Stores the whole record, replacing any previous one for its connection id atomically: a reader sees
   * either the old record or the new one (access and refresh token always from the same write), never a mix.
   */
  readonly put: (connection: StoredConnection) => Effect.Effect<void, TokenStoreError>
  /** Forgets a connection; removing an unknown connection id does nothing. */
  readonly remove: (connectionId: string) => Effect.Effect<void, TokenStoreError>
  /** The stored connection ids, sorted. */
  readonly list: () => Effect.Effect<ReadonlyArray<string>, TokenStoreError>
  /**
   * Runs `update` on the connection's record as stored now, holding the store's write lock, and stores the
   * record it returns (undefined: leave it as it is); yields the record then stored. A store several
   * processes share locks across them: of processes refreshing at once, the first refreshes while the others
   * wait, then find its tokens. `update` must not use the store itself.
   */
  readonly modify: <E>(
    connectionId: string,
    update: (current: Option.Option<StoredConnection>) => Effect.Effect<StoredConnection | undefined, E>
  ) => Effect.Effect<Option.Option<StoredConnection>, E | TokenStoreError>
}>() {
  /** A store in memory, lost when its layer is released; records (and their `Redacted` tokens) kept as given. */
  static readonly makeMemory: Effect.Effect<TokenStore["Type"]> = Effect.gen(function*() {
    const ref = yield* Ref.make<ReadonlyMap<string, StoredConnection>>(new Map())
    const lock = yield* Effect.makeSemaphore(1)
    const get = (connectionId: string) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(connectionId)))
    const put = (connection: StoredConnection) => Ref.update(ref, (m) => new Map(m).set(connection.connectionId, connection))
    return TokenStore.of({
      get,
      put: (connection) => lock.withPermits(1)(put(connection)),
      modify: (connectionId, update) =>
        lock.withPermits(1)(Effect.gen(function*() {
          const current = yield* get(connectionId)
          const next = yield* update(current)
          if (next === undefined) return current
          yield* put(next)
          return Option.some(next)
        })),
      remove: (connectionId) =>
        Ref.update(ref, (m) => {
          if (!m.has(connectionId)) return m
          const next = new Map(m)
          next.delete(connectionId)
          return next
        }),
      list: () => Effect.map(Ref.get(ref), (m) => [...m.keys()].sort())
    })
  })

  /** An in-memory store, for library use and tests. */
  static readonly layerMemory: Layer.Layer<TokenStore> = Layer.effect(TokenStore, TokenStore.makeMemory)
}
