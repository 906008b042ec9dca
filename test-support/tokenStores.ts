/** Test helpers for token stores: records with recognizable token values, and temporary store files. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Redacted } from "effect"
import type { Scope } from "effect"
import { StoredConnection } from "../src/auth/store/StoredConnection.js"

/** A record whose tokens are `access-<connectionId>-<generation>` and `refresh-<connectionId>-<generation>`. */
export const makeConnection = (connectionId: string, generation = 1): StoredConnection => {
  const issued = new Date(Date.UTC(2025, 0, 1, 12, 0, generation))
  return new StoredConnection({
    connectionId,
    accessToken: Redacted.make(`access-${connectionId}-${generation}`),
    accessTokenExpiresAt: new Date(issued.getTime() + 3_600_000),
    refreshToken: Redacted.make(`refresh-${connectionId}-${generation}`),
    refreshTokenIssuedAt: issued,
    grantedScopes: ["company.basic:read", "member.basic:read"],
    createdAt: new Date(Date.UTC(2025, 0, 1)),
    lastRefreshedAt: issued,
    lastUsedAt: issued
  })
}

/** The plain token values of a record, e.g. to check they appear nowhere. */
export const tokensOf = (connection: StoredConnection): [string, string | undefined] => [
  Redacted.value(connection.accessToken),
  connection.refreshToken === undefined ? undefined : Redacted.value(connection.refreshToken)
]

/** A fresh temporary directory (under the OS temp dir) for the scope, removed when the scope closes. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "justworks-token-store-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)
