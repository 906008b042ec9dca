/**
 * Tokens kept in a config file survive a refresh, against the stateful mock (which rotates refresh tokens):
 * the Airbyte commands hand the updated config back in a CONTROL message, the next run with that config works;
 * `sync`, `action` and `healthcheck` rewrite the file (mode kept) and say so, or leave it with a warning;
 * `disconnect --config` revokes the file's tokens. No secret appears anywhere but in the CONTROL message.
 */
import { chmodSync, readFileSync, statSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { airbyteMessageValidator, type CliResult, ensureBuilt, hasStackTrace, runCli, tempDir, writeJson } from "../../test-support/cliHarness.js"

let mock: MockServer
let tmp: ReturnType<typeof tempDir>
const protocol = airbyteMessageValidator()
/** every secret the runs of this file saw, and every output, to look for leaks at the end */
const secrets = new Set<string>()
const outputs: Array<CliResult> = []

const cli = async (...args: Array<string>) => {
  const result = await runCli(args)
  outputs.push(result)
  return result
}

/** A config whose tokens the connector takes for expired: its first request refreshes them. */
const expiredConfig = (name: string) => {
  const issued = mock.issueTokens(mock.scopes)
  secrets.add(issued.access_token).add(issued.refresh_token)
  return writeJson(tmp.file(name), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    token_expires_at: "2020-01-01T00:00:00Z",
    base_url: mock.url,
    start_date: "2024-01-01"
  })
}

const catalog = () =>
  writeJson(tmp.file("catalog.json"), {
    streams: [{ stream: { name: "departments", json_schema: {}, supported_sync_modes: ["full_refresh"] }, sync_mode: "full_refresh", destination_sync_mode: "overwrite" }]
  })

/** The configs carried by a run's CONTROL messages. */
const carried = (result: CliResult): Array<Record<string, unknown>> =>
  protocol.messages(result.stdout).filter((m) => m["type"] === "CONTROL").map((m) => {
    expect(m["control"]).toMatchObject({ type: "CONNECTOR_CONFIG", emitted_at: expect.any(Number) })
    const config = m["control"].connectorConfig.config as Record<string, unknown>
    secrets.add(String(config["access_token"])).add(String(config["refresh_token"]))
    return config
  })

const tokenRequests = () => mock.requests.filter((r) => r.path === "/oauth/token")

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 8, payrollMonths: 1, reportReadyAfterPolls: 0 })
  tmp = tempDir()
  secrets.add(mock.clientSecret)
  await built
}, 120_000)

afterAll(async () => {
  await mock?.close()
  tmp?.cleanup()
})

describe("tokens in a config survive a refresh", () => {
  it("read: a CONTROL message carries the whole config with the new tokens; the next reads with it succeed", async () => {
    const file = expiredConfig("read.json")
    const original = readJson(file)
    mock.clearLog()
    const first = await cli("read", "--config", file, "--catalog", catalog())
    expect(first.code, first.stderr).toBe(0)
    const [config, ...more] = carried(first)
    expect(more).toEqual([])
    expect(Object.keys(config!).sort()).toEqual(Object.keys(original).sort())
    expect(config).toMatchObject({ client_id: mock.clientId, client_secret: mock.clientSecret, base_url: mock.url, start_date: "2024-01-01" })
    expect(config!["access_token"]).not.toBe(original["access_token"])
    expect(config!["refresh_token"]).not.toBe(original["refresh_token"])
    expect(Date.parse(String(config!["token_expires_at"]))).toBeGreaterThan(Date.now())
    // the CONTROL message comes before the records read with its token
    const types = protocol.messages(first.stdout).map((m) => m["type"])
    expect(types.indexOf("CONTROL")).toBeLessThan(types.indexOf("RECORD"))
    expect(tokenRequests()).toHaveLength(1)

    // what the platform does: the next read with the config it was handed
    const second = await cli("read", "--config", writeJson(tmp.file("read-2.json"), config), "--catalog", catalog())
    expect(second.code, second.stderr).toBe(0)
    expect(carried(second)).toEqual([])
    // once that access token expires too, the handed-back refresh token is the one that works
    const third = await cli("read", "--config", writeJson(tmp.file("read-3.json"), { ...config, token_expires_at: "2020-01-01T00:00:00Z" }), "--catalog", catalog())
    expect(third.code, third.stderr).toBe(0)
    expect(carried(third)).toHaveLength(1)
    expect(tokenRequests().map((r) => r.status)).toEqual([200, 200])
    // the config as it was given is dead: its refresh token was rotated away
    const stale = await cli("read", "--config", file, "--catalog", catalog())
    expect(stale.code).not.toBe(0)
    const errors = protocol.messages(stale.stdout).filter((m) => m["type"] === "TRACE" && m["trace"].type === "ERROR")
    expect(errors[0]!["trace"].error.message).toMatch(/rejected the refresh token/)
  })

  it("check, then read with the config check handed back", async () => {
    const file = expiredConfig("check.json")
    const check = await cli("check", "--config", file)
    expect(check.code).toBe(0)
    const messages = protocol.messages(check.stdout)
    expect(messages.map((m) => m["type"])).toEqual(["CONTROL", "CONNECTION_STATUS"])
    expect(messages[1]!["connectionStatus"].status).toBe("SUCCEEDED")
    const [config] = carried(check)
    const read = await cli("read", "--config", writeJson(tmp.file("check-read.json"), { ...config, token_expires_at: "2020-01-01T00:00:00Z" }), "--catalog", catalog())
    expect(read.code, read.stderr).toBe(0)
    expect(carried(read)).toHaveLength(1)
  })

  it("sync --config rewrites the file (its mode kept) and says so; the next sync with it succeeds", async () => {
    const file = expiredConfig("sync.json")
    chmodSync(file, 0o640)
    const before = readJson(file)
    const first = await cli("sync", "--config", file, "--database", tmp.file("sync.db"))
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain(`sync: the tokens were refreshed; saved them in ${file}\n`)
    const after = readJson(file)
    secrets.add(String(after["access_token"])).add(String(after["refresh_token"]))
    expect(after).toEqual({
      ...before,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
    })
    expect(after["refresh_token"]).not.toBe(before["refresh_token"])
    expect(statSync(file).mode & 0o777).toBe(0o640)
    expect(readFileSync(file, "utf8")).toMatch(/^\{\n {2}"client_id"/)

    writeJson(file, { ...after, token_expires_at: "2020-01-01T00:00:00Z" })
    const second = await cli("sync", "--config", file, "--database", tmp.file("sync.db"))
    expect(second.code, second.stderr).toBe(0)
    expect(readJson(file)["refresh_token"]).not.toBe(after["refresh_token"])
    secrets.add(String(readJson(file)["refresh_token"])).add(String(readJson(file)["access_token"]))
  }, 60_000)

  it("action and healthcheck rewrite the file too; --keep-config-file leaves it, with a warning", async () => {
    const file = expiredConfig("action.json")
    const action = await cli("action", "get_company", "--config", file)
    expect(action.code, action.stderr).toBe(0)
    expect(action.stderr).toBe(`justworks-connector: the tokens were refreshed; saved them in ${file}\n`)
    const rewritten = readJson(file)
    secrets.add(String(rewritten["access_token"])).add(String(rewritten["refresh_token"]))
    writeJson(file, { ...rewritten, token_expires_at: "2020-01-01T00:00:00Z" })
    const health = await cli("healthcheck", "--config", file)
    expect(health.code, health.stderr).toBe(0)
    expect(health.stderr).toContain("the tokens were refreshed; saved them in")
    expect(readJson(file)["refresh_token"]).not.toBe(rewritten["refresh_token"])
    secrets.add(String(readJson(file)["refresh_token"])).add(String(readJson(file)["access_token"]))

    const kept = expiredConfig("kept.json")
    const text = readFileSync(kept, "utf8")
    const keep = await cli("action", "get_company", "--config", kept, "--keep-config-file")
    expect(keep.code, keep.stderr).toBe(0)
    expect(keep.stderr).toBe(
      `justworks-connector: warning: the tokens were refreshed and ${kept} left as it is (--keep-config-file): its refresh token no longer works\n`
    )
    expect(readFileSync(kept, "utf8")).toBe(text)
  })

  it("disconnect --config revokes the tokens the file holds", async () => {
    const issued = mock.issueTokens(mock.scopes)
    secrets.add(issued.access_token).add(issued.refresh_token)
    const file = writeJson(tmp.file("disconnect.json"), {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      access_token: issued.access_token,
      refresh_token: issued.refresh_token,
      base_url: mock.url
    })
    const result = await cli("disconnect", "--config", file)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe(`Disconnected: the tokens of ${file} are revoked; they no longer work (remove them from the file).`)
    const company = await fetch(`${mock.url}/v1/company`, { headers: { authorization: `Bearer ${issued.access_token}` } })
    expect(company.status).toBe(401)
    const after = await cli("action", "get_company", "--config", file)
    expect(after.code).toBe(1)
    expect(after.stderr).toMatch(/rejected the refresh token/)
  })

  it("no output holds a token or the client secret, but the config of a CONTROL message", () => {
    expect(outputs.length).toBeGreaterThan(10)
    expect(secrets.size).toBeGreaterThan(10)
    for (const { stdout, stderr } of outputs) {
      expect(hasStackTrace(stderr)).toBe(false)
      const outside = stdout.split("\n").filter((line) => !line.startsWith('{"type":"CONTROL"')).join("\n") + stderr
      for (const secret of secrets) expect(outside.includes(secret), `output leaks ${secret.slice(0, 6)}…`).toBe(false)
    }
  })
})
