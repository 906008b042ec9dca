/**
 * connect → healthcheck → disconnect with the built CLI against the stateful mock: the loopback OAuth flow
 * (the mock's authorize endpoint approves at once), tokens kept encrypted in the SQLite token store.
 */
import { existsSync, writeFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../../contract-tests/support/freePort.js"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, waitForOutput } from "../../test-support/cliHarness.js"

let mock: MockServer
let tmp: ReturnType<typeof tempDir>

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 5, payrollMonths: 1, reportReadyAfterPolls: 0 })
  tmp = tempDir()
  await built
}, 120_000)

afterAll(async () => {
  await mock?.close()
  tmp?.cleanup()
})

describe("connect, healthcheck, disconnect", () => {
  it("connects through the browser flow, checks what the scopes allow, and disconnects", async () => {
    const env = { JUSTWORKS_TOKEN_KEY: "a".repeat(64), JUSTWORKS_CLIENT_SECRET: mock.clientSecret }
    const store = ["--client-id", mock.clientId, "--token-store", tmp.file("tokens.db"), "--base-url", mock.url]
    const port = await freePort()
    const child = spawnCli(["connect", ...store, "--authorize-url", `${mock.url}/oauth/authorize`, "--preset", "member_information", "--port", String(port)], {
      cwd: tmp.dir,
      env
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    const printed = await waitForOutput(child.stdout, /Waiting for the browser/)
    const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+)/.exec(printed)?.[1]
    expect(url).toContain(`redirect_uri=http%3A%2F%2F127.0.0.1%3A${port}%2Fjustworks%2Foauth%2Fcallback`)
    expect(url).toContain("scope=member.detail%3Aread")
    // the "browser": the mock approves and redirects to the loopback callback
    const landing = await fetch(url!)
    expect(await landing.text()).toMatch(/^justworks-connector is connected\. You can close this window/)
    const connected = await waitForOutput(child.stdout, /Connected/)
    expect(await exited).toBe(0)
    expect(connected).toMatch(/Connected "default" with scopes member\.detail:read; tokens stored encrypted in /)

    const health = await runCli(["healthcheck", ...store], { env })
    expect(health.code, health.stderr).toBe(0)
    expect(health.stdout).toMatch(/List Company Members\s+member\.basic:read\s+passed/)
    expect(health.stdout).toMatch(/Get Company Information\s+company\.basic:read\s+skipped/)

    // a config naming the token store; the flags given beside it come first
    writeFileSync(tmp.file("store-config.json"), JSON.stringify({ client_id: mock.clientId, client_secret: mock.clientSecret, token_store: "tokens.db", base_url: mock.url }))
    const byConfig = await runCli(["healthcheck", "--config", tmp.file("store-config.json")], { env })
    expect(byConfig.code, byConfig.stderr).toBe(0)
    expect(byConfig.stdout).toMatch(/List Company Members\s+member\.basic:read\s+passed/)
    const otherConnection = await runCli(["healthcheck", "--config", tmp.file("store-config.json"), "--connection", "other"], { env })
    expect(otherConnection.code).toBe(1)
    expect(otherConnection.stderr.trim()).toBe('justworks-connector: connection "other" has no tokens: connect it first (justworks-connector connect)')

    const bye = await runCli(["disconnect", ...store], { env })
    expect(bye.code, bye.stderr).toBe(0)
    expect(bye.stdout).toMatch(/^Disconnected "default": tokens revoked/)
    const after = await runCli(["healthcheck", ...store], { env })
    expect(after.code).toBe(1)
    expect(after.stderr.trim()).toBe('justworks-connector: connection "default" has no tokens: connect it first (justworks-connector connect)')
    for (const output of [printed, connected, health.stdout, health.stderr, bye.stdout, bye.stderr, after.stderr]) {
      expect(output).not.toContain(mock.clientSecret)
      expect(hasStackTrace(output)).toBe(false)
    }
  }, 60_000)

  it("flag values that cannot be used: one line naming the flag", async () => {
    const env = { JUSTWORKS_TOKEN_KEY: "a".repeat(64), JUSTWORKS_CLIENT_SECRET: "s" }
    const noScheme = await runCli(["healthcheck", "--client-id", "x", "--token-store", tmp.file("flags.db"), "--base-url", "127.0.0.1:8080"], { env })
    expect(noScheme.code).toBe(1)
    expect(noScheme.stderr.trim()).toBe(
      'justworks-connector: --base-url must be an http(s) URL such as https://public-api.justworks.com, got "127.0.0.1:8080"'
    )
    writeFileSync(tmp.file("token-config.json"), JSON.stringify({ client_id: "x", client_secret: "s", access_token: "at_secret_value" }))
    const mixed = await runCli(["healthcheck", "--config", tmp.file("token-config.json"), "--connection", "other"], { env })
    expect(mixed.code).toBe(1)
    expect(mixed.stderr.trim()).toBe(
      `justworks-connector: ${tmp.file("token-config.json")} holds its own tokens: --connection applies to a connection of the token store; pass either`
    )
    writeFileSync(tmp.file("refresh-config.json"), JSON.stringify({ client_id: "x", client_secret: "s", refresh_token: "rt_secret_value" }))
    const refreshOnly = await runCli(["healthcheck", "--config", tmp.file("refresh-config.json"), "--token-store", tmp.file("flags.db")], { env })
    expect(refreshOnly.code).toBe(1)
    expect(refreshOnly.stderr.trim()).toBe(
      `justworks-connector: ${tmp.file("refresh-config.json")} holds its own tokens: --token-store applies to a connection of the token store; pass either`
    )
    const noMembers = await runCli(["sync", "--mock", "--mock-members", "0", "--database", tmp.file("none.db")], { env })
    expect(noMembers.code).toBe(1)
    expect(noMembers.stderr.trim()).toBe("justworks-connector: --mock-members must be between 1 and 10,000,000, got 0")
    expect(existsSync(tmp.file("none.db"))).toBe(false)
    for (const output of [noScheme.stderr, mixed.stderr, refreshOnly.stderr, noMembers.stderr]) {
      expect(output).not.toContain("unexpected failure")
      expect(output).not.toMatch(/at_secret_value|rt_secret_value/)
      expect(hasStackTrace(output)).toBe(false)
    }
  })

  it("without a token key: one line saying how to set it", async () => {
    const result = await runCli(["disconnect", "--client-id", "x", "--token-store", tmp.file("other.db")], {
      env: { JUSTWORKS_TOKEN_KEY: "", JUSTWORKS_CLIENT_SECRET: "s" }
    })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(/^justworks-connector: .*set JUSTWORKS_TOKEN_KEY/)
  })
})
