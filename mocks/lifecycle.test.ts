/** The request log, closing (no handle left behind), the Effect resource and the command line. */
import { spawn } from "node:child_process"
import { connect } from "node:net"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mockServer } from "./mockServer.js"
import { startMockServer } from "./startMockServer.js"
import { testClient } from "./testClient.js"

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => { socket.destroy(); resolve(false) })
    socket.once("error", () => resolve(true))
  })

describe("request log", () => {
  it("records method, path, query, token and status of every request, OAuth and faults included", async () => {
    const server = await startMockServer({ seed: 2, members: 10, now: () => 1_700_000_000_000 })
    try {
      const a = server.issueTokens(["member.basic:read"]).access_token
      const b = server.issueTokens(["company.basic:read"]).access_token
      const api = testClient(server)
      await api.get("/v1/members?limit=2&status=active", a)
      await api.get("/v1/company", b)
      await api.get("/v1/company", a)
      await api.form("/v1/oauth/revoke", { client_id: server.clientId, client_secret: server.clientSecret, token: b })
      server.setFaults([{ kind: "reset", at: [1] }])
      await expect(api.send("PUT", "/v1/deductions?x=1", { items: [] }, a)).rejects.toThrow()
      await fetch(`${server.url}/nowhere`)
      expect(server.requests.map(({ n, method, path, query, token, status, at }) => ({ n, method, path, query, token, status, at }))).toEqual([
        { n: 1, method: "GET", path: "/v1/members", query: { limit: "2", status: "active" }, token: a, status: 200, at: 1_700_000_000_000 },
        { n: 2, method: "GET", path: "/v1/company", query: {}, token: b, status: 200, at: 1_700_000_000_000 },
        { n: 3, method: "GET", path: "/v1/company", query: {}, token: a, status: 403, at: 1_700_000_000_000 },
        { n: 4, method: "POST", path: "/v1/oauth/revoke", query: {}, token: undefined, status: 200, at: 1_700_000_000_000 },
        { n: 5, method: "PUT", path: "/v1/deductions", query: { x: "1" }, token: a, status: "reset", at: 1_700_000_000_000 },
        { n: 6, method: "GET", path: "/nowhere", query: {}, token: undefined, status: 404, at: 1_700_000_000_000 }
      ])
      expect(server.requests.map((r) => r.operationId)).toEqual(["list_members", "get_company", "get_company", "revoke_token", "update_deductions", undefined])
      expect(server.requests[4]?.fault).toBe("reset")
      server.clearLog()
      expect(server.requests).toEqual([])
      await api.get("/v1/company", b)
      expect(server.requests).toMatchObject([{ n: 7, status: 401, token: b }])
    } finally {
      await server.close()
    }
  })
})

describe("closing", () => {
  it("close() ends keep-alive connections and frees the port", async () => {
    const server = await startMockServer({ members: 5 })
    const api = testClient(server, server.issueTokens(server.scopes).access_token)
    expect((await api.get("/v1/company")).status).toBe(200)
    server.setFaults([{ kind: "slow", at: [1], delayMs: 60_000 }])
    const hanging = api.get("/v1/company").then(() => "answered", () => "failed")
    await new Promise((r) => setTimeout(r, 50))
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(2000)
    expect(await hanging).toBe("failed")
    expect(await refusesConnections(server.port)).toBe(true)
    await server.close()
  })

  it.scopedLive("the Effect resource closes the server with its scope", () =>
    Effect.gen(function* () {
      const port = yield* Effect.scoped(Effect.gen(function* () {
        const server = yield* mockServer({ members: 5 })
        const r = yield* Effect.promise(() => fetch(`${server.url}/v1/company`))
        expect(r.status).toBe(401)
        return server.port
      }))
      expect(yield* Effect.promise(() => refusesConnections(port))).toBe(true)
    }))
})

describe("command line", () => {
  it("prints the URL and a working token, and stops on SIGTERM", async () => {
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url))
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", "--members", "12", "--seed", "9", "--token-ttl", "600"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      let out = ""
      child.stdout.on("data", (chunk: Buffer) => { out += chunk.toString() })
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      const deadline = Date.now() + 15_000
      while (!/access_token:\s+\S+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      const url = /listening on (\S+)/.exec(out)?.[1]
      const token = /access_token:\s+(\S+)/.exec(out)?.[1]
      expect(out).toContain("client_id:     mock-client-id")
      expect(out).toContain("12 members, seed 9")
      const r = await fetch(`${url}/v1/members?limit=100`, { headers: { authorization: `Bearer ${token}` } })
      expect(r.status).toBe(200)
      expect(((await r.json()) as { items: Array<unknown> }).items).toHaveLength(12)
      child.kill("SIGTERM")
      expect(await exited).toBe(0)
      expect(await refusesConnections(Number(new URL(url as string).port))).toBe(true)
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
  })
})
