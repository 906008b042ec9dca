/**
 * Processes sharing one PostgreSQL token store through an expiry: six commands of the built CLI start at
 * once with the stored access token expired, against a token endpoint slow enough that they all need the
 * refresh while the first is waiting for it. One refreshes under the connection's advisory lock; the
 * others wait, then use its tokens.
 */
import { randomBytes } from "node:crypto"
import { Effect, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import * as PgTokenStore from "../auth/store/PgTokenStore.js"
import { StoredConnection } from "../auth/store/StoredConnection.js"
import { TokenStore } from "../auth/store/TokenStore.js"
import { ensureBuilt, hasStackTrace, runCli, tempDir, writeJson } from "../../test-support/cliHarness.js"
import { startPostgres, type TestPostgres } from "../../test-support/embeddedPostgres.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"

const PROCESSES = 6

let mock: MockServer
let pg: TestPostgres
let tmp: ReturnType<typeof tempDir>

beforeAll(async () => {
  const built = ensureBuilt()
  ;[mock, pg] = await Promise.all([startMockServer({ members: 5, payrollMonths: 1 }), startPostgres()])
  tmp = tempDir()
  await built
}, 180_000)

afterAll(async () => {
  await mock?.close()
  await pg?.stop()
  tmp?.cleanup()
})

describe("a PostgreSQL token store shared by processes", () => {
  it(`${PROCESSES} commands after the access token expired: all succeed, the token endpoint sees one refresh`, async () => {
    const key = randomBytes(32).toString("hex")
    const url = await pg.createDatabase("shared_tokens")
    await Effect.runPromise(Effect.gen(function*() {
      yield* seedMockConnection(mock, "default")
      const tokens = yield* TokenStore
      const stored = Option.getOrThrow(yield* tokens.get("default"))
      yield* tokens.put(new StoredConnection({ ...stored, accessTokenExpiresAt: new Date(Date.now() - 1_000) }))
    }).pipe(Effect.provide(PgTokenStore.layerUrl(url, Redacted.make(key)))))
    const config = writeJson(tmp.file("config.json"), {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      token_store: url,
      base_url: mock.url
    })
    // every refresh takes 1.5 s: the processes all start theirs while the first is still waiting
    mock.setFaults([{ kind: "slow", delayMs: 1_500, rate: 1, path: "/oauth/token" }])
    mock.clearLog()

    const results = await Promise.all(
      Array.from({ length: PROCESSES }, () => runCli(["action", "get_company", "--config", config], { env: { JUSTWORKS_TOKEN_KEY: key } }))
    )
    mock.setFaults([])

    for (const result of results) {
      expect(result.code, result.stderr).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({ id: mock.store.company()["id"] })
      expect(hasStackTrace(result.stderr)).toBe(false)
      expect(result.stderr + result.stdout).not.toContain(pg.password)
    }
    const refreshes = mock.requests.filter((r) => r.path === "/oauth/token")
    expect(refreshes.map((r) => r.status)).toEqual([200])
    const calls = mock.requests.filter((r) => r.path === "/v1/company")
    expect(calls).toHaveLength(PROCESSES)
    expect(new Set(calls.map((r) => r.token)).size).toBe(1)
    // the refreshed record is stored once more, encrypted
    const [row] = await pg.query<{ payload: string }>("shared_tokens", "SELECT payload FROM justworks._token_connections WHERE connection_id = 'default'")
    expect(row!.payload).not.toContain(calls[0]!.token ?? "no token")
  }, 90_000)
})
