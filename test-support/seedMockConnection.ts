/** Store a connection made from tokens the mock issued directly (no browser involved). */
import { Effect, Redacted } from "effect"
import type { MockServer } from "../mocks/startMockServer.js"
import { StoredConnection } from "../src/auth/store/StoredConnection.js"
import { TokenStore } from "../src/auth/store/TokenStore.js"

export const seedMockConnection = (mock: MockServer, connectionId: string, scopes: ReadonlyArray<string> = mock.scopes) =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const issued = mock.issueTokens(scopes)
    const now = new Date()
    yield* store.put(
      new StoredConnection({
        connectionId,
        accessToken: Redacted.make(issued.access_token),
        accessTokenExpiresAt: new Date(issued.expires_at),
        refreshToken: Redacted.make(issued.refresh_token),
        refreshTokenIssuedAt: now,
        grantedScopes: scopes,
        createdAt: now,
        lastRefreshedAt: now,
        lastUsedAt: now
      })
    )
    return issued
  })
