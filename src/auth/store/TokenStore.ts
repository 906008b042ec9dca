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
}>() {
  /** A store in memory, lost when its layer is released; records (and their `Redacted` tokens) kept as given. */
  static readonly makeMemory: Effect.Effect<TokenStore["Type"]> = Effect.map(
    Ref.make<ReadonlyMap<string, StoredConnection>>(new Map()),
    (ref) =>
      TokenStore.of({
        get: (connectionId) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(connectionId))),
        put: (connection) =>
          Ref.update(ref, (m) => new Map(m).set(connection.connectionId, connection)),
        remove: (connectionId) =>
          Ref.update(ref, (m) => {
            if (!m.has(connectionId)) return m
            const next = new Map(m)
            next.delete(connectionId)
            return next
          }),
        list: () => Effect.map(Ref.get(ref), (m) => [...m.keys()].sort())
      })
  )

  /** An in-memory store, for library use and tests. */
  static readonly layerMemory: Layer.Layer<TokenStore> = Layer.effect(TokenStore, TokenStore.makeMemory)
}
