/** The OAuth flow: authorize redirect, code exchange, rotation, expiry, revocation, scopes and field stripping. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, testClient } from "./testClient.js"

const START = Date.parse("2026-03-20T12:00:00Z")
let clock = START
let server: MockServer
let api: TestClient
const REDIRECT = "http://127.0.0.1:8123/justworks/oauth/callback"
const client = { client_id: "mock-client-id", client_secret: "mock-client-secret" }

beforeAll(async () => {
  server = await startMockServer({ seed: 4, members: 40, now: () => clock, accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 7 * 86_400 })
  api = testClient(server)
})
afterAll(() => server.close())

const authorize = async (scope: string, state = "st-123", clientId = "mock-client-id") => {
  const r = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, scope, state, response_type: "code" })}`, { redirect: "manual" })
  expect(r.status).toBe(302)
  return new URL(r.headers.get("location") as string)
}
const exchange = async (scope: string) => {
  const code = (await authorize(scope)).searchParams.get("code") as string
  return api.form("/oauth/token", { grant_type: "authorization_code", ...client, code, redirect_uri: REDIRECT })
}
const refresh = (refreshToken: string) => api.form("/oauth/token", { grant_type: "refresh_token", ...client, refresh_token: refreshToken })

describe("authorization code flow", () => {
  it("redirects back with a code and the same state; unknown clients get unauthorized_client", async () => {
    const location = await authorize("member.basic:read payroll:read", "xyz")
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT)
    expect(location.searchParams.get("state")).toBe("xyz")
    expect(location.searchParams.get("code")).toMatch(/^ac_/)
    const refused = await authorize("member.basic:read", "abc", "someone-else")
    expect(refused.searchParams.get("error")).toBe("unauthorized_client")
    expect(refused.searchParams.get("state")).toBe("abc")
    expect(refused.searchParams.has("code")).toBe(false)
  })

  it("exchanges a code once, for the requested scopes", async () => {
    const location = await authorize("member.basic:read payroll:read")
    const code = location.searchParams.get("code") as string
    const first = await api.form("/oauth/token", { grant_type: "authorization_code", ...client, code, redirect_uri: REDIRECT })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "member.basic:read payroll:read", expires_at: "2026-03-20T13:00:00Z" })
    expect(first.headers.get("cache-control")).toBe("no-store")
    const reused = await api.form("/oauth/token", { grant_type: "authorization_code", ...client, code, redirect_uri: REDIRECT })
    expect(reused.status).toBe(400)
    expect(reused.body.error).toBe("invalid_grant")
    const other = (await authorize("member.basic:read")).searchParams.get("code") as string
    const wrongRedirect = await api.form("/oauth/token", { grant_type: "authorization_code", ...client, code: other, redirect_uri: "http://127.0.0.1:1/elsewhere" })
    expect(wrongRedirect.body.error).toBe("invalid_grant")
    const badSecret = await api.form("/oauth/token", { grant_type: "authorization_code", client_id: "mock-client-id", client_secret: "nope", code: other, redirect_uri: REDIRECT })
    expect(badSecret.status).toBe(401)
    expect(badSecret.body.error).toBe("invalid_client")
    expect((await api.get("/v1/members?limit=1", first.body.access_token)).status).toBe(200)
  })
})

describe("refresh tokens", () => {
  it("rotate: the old refresh token becomes invalid_grant", async () => {
    const tokens = (await exchange("member.basic:read")).body
    const rotated = await refresh(tokens.refresh_token)
    expect(rotated.status).toBe(200)
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token)
    expect(rotated.body.access_token).not.toBe(tokens.access_token)
    expect(rotated.body.scope).toBe("member.basic:read")
    const replay = await refresh(tokens.refresh_token)
    expect(replay.status).toBe(400)
    expect(replay.body.error).toBe("invalid_grant")
    expect((await refresh(rotated.body.refresh_token)).status).toBe(200)
  })

  it("expire after their lifetime", async () => {
    const tokens = (await exchange("member.basic:read")).body
    clock = START + 7 * 86_400_000 - 1000
    const stillFine = await refresh(tokens.refresh_token)
    expect(stillFine.status).toBe(200)
    clock = START + 2 * 7 * 86_400_000
    const expired = await refresh(stillFine.body.refresh_token)
    expect(expired.status).toBe(400)
    expect(expired.body.error).toBe("invalid_grant")
    clock = START
  })

  it("cannot widen the granted scopes", async () => {
    const tokens = (await exchange("member.basic:read")).body
    const r = await api.form("/oauth/token", { grant_type: "refresh_token", ...client, refresh_token: tokens.refresh_token, scope: "member.basic:read payroll:read" })
    expect(r.body.error).toBe("invalid_scope")
  })
})

describe("access tokens", () => {
  it("expire after their lifetime (401)", async () => {
    const tokens = (await exchange("member.basic:read")).body
    clock = START + 3_599_000
    expect((await api.get("/v1/members?limit=1", tokens.access_token)).status).toBe(200)
    clock = START + 3_600_000
    const expired = await api.get("/v1/members?limit=1", tokens.access_token)
    expect(expired.status).toBe(401)
    expect(expired.body.error.message).toMatch(/expired/)
    expect(expired.headers.get("www-authenticate")).toMatch(/invalid_token/)
    clock = START
  })

  it("revoking a refresh token kills it and the access tokens of its grant", async () => {
    const tokens = (await exchange("member.basic:read")).body
    const r = await api.form("/v1/oauth/revoke", { ...client, token: tokens.refresh_token, token_type_hint: "refresh_token" })
    expect(r.status).toBe(200)
    expect(r.text).toBe("")
    expect((await api.get("/v1/members?limit=1", tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant")
  })

  it("revoking an access token makes only it unusable", async () => {
    const tokens = (await exchange("member.basic:read")).body
    await api.form("/v1/oauth/revoke", { ...client, token: tokens.access_token })
    const r = await api.get("/v1/members?limit=1", tokens.access_token)
    expect(r.status).toBe(401)
    expect(r.body.error.message).toMatch(/revoked/)
    expect((await refresh(tokens.refresh_token)).status).toBe(200)
    const unknown = await api.form("/v1/oauth/revoke", { ...client, token: "never-issued" })
    expect(unknown.status).toBe(200)
    const wrongClient = await api.form("/v1/oauth/revoke", { client_id: "x", client_secret: "y", token: "never-issued" })
    expect(wrongClient.status).toBe(401)
  })
})

describe("scopes", () => {
  it("403 names the scope the token lacks", async () => {
    const tokens = (await exchange("member.basic:read")).body
    const r = await api.get("/v1/payrolls?start_date=2025-01-01&end_date=2025-02-01", tokens.access_token)
    expect(r.status).toBe(403)
    expect(r.body.error).toMatchObject({ code: "insufficient_scope", required_scopes: ["payroll:read"] })
    expect(r.body.error.message).toContain("payroll:read")
  })

  it("member fields are stripped when their field scope is not granted", async () => {
    const id = server.store.memberId(0)
    const basic = (await api.get(`/v1/members/${id}`, (await exchange("member.basic:read")).body.access_token)).body
    expect(Object.keys(basic).sort()).toEqual(["active", "company_id", "created_at", "emails", "id", "name", "partner_settings", "type", "updated_at", "work_id"])
    const detail = (await api.get(`/v1/members/${id}`, (await exchange("member.detail:read member.pay:read")).body.access_token)).body
    expect(detail).toHaveProperty("addresses")
    expect(detail).toHaveProperty("manager")
    expect(detail).toHaveProperty("current_pay")
    expect(detail).toHaveProperty("pay_history")
    expect(detail).not.toHaveProperty("date_of_birth")
    expect(detail).not.toHaveProperty("sex_assigned_at_birth")
    expect(detail).not.toHaveProperty("employment_history")
    const everything = (await api.get(`/v1/members/${id}`, server.issueTokens(server.scopes).access_token)).body
    expect(everything).toHaveProperty("date_of_birth")
    expect(everything).toHaveProperty("sex_assigned_at_birth")
    expect(everything).toHaveProperty("employment_history")
    const page = (await api.get("/v1/members?limit=5", (await exchange("member.basic:read member.dob:read")).body.access_token)).body
    expect(page.items.every((m: Record<string, unknown>) => "date_of_birth" in m && !("addresses" in m))).toBe(true)
  })

  it("the company record drops addresses, departments and offices without company.detail:read", async () => {
    const basic = (await api.get("/v1/company", (await exchange("company.basic:read")).body.access_token)).body
    expect(basic).not.toHaveProperty("departments")
    expect(basic).not.toHaveProperty("offices")
    const detail = (await api.get("/v1/company", (await exchange("company.detail:read")).body.access_token)).body
    expect(detail.departments).toHaveLength(8)
    expect(detail.offices).toHaveLength(4)
  })
})
