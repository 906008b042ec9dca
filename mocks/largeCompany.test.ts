/** A 100,000-member company is generated lazily: pages are computed on demand and memory stays small. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { startMockServer, type MockServer } from "./startMockServer.js"
import { type TestClient, testClient } from "./testClient.js"

let server: MockServer
let api: TestClient
let heapBefore = 0

// measure live objects, not garbage awaiting collection: collect before each reading
setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc") as () => void
const liveHeap = () => {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

beforeAll(async () => {
  heapBefore = liveHeap()
  server = await startMockServer({ seed: 2024, members: 100_000, now: () => Date.parse("2026-03-20T12:00:00Z") })
  api = testClient(server, server.issueTokens(server.scopes).access_token)
})
afterAll(() => server.close())

describe("a company of 100,000 members", () => {
  it("serves the first page, a run of pages and the last page", async () => {
    expect(server.store.memberCount).toBe(100_000)
    const first = await api.get("/v1/members?limit=100")
    expect(first.body.items).toHaveLength(100)
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => server.store.memberId(i)))
    let cursor: string | null = first.body.next_cursor
    const seen = new Set<string>(first.body.items.map((m: { id: string }) => m.id))
    for (let page = 0; page < 30 && cursor !== null; page++) {
      const r = await api.get(`/v1/members?limit=100&cursor=${cursor}`)
      for (const m of r.body.items) seen.add(m.id)
      cursor = r.body.next_cursor
    }
    expect(seen.size).toBe(3100)
    const tailStart = server.store.member(99_930)!["updated_at"] as string
    const tail = await api.all(`/v1/members?limit=25&updated_at_gte=${tailStart}`)
    expect(tail).toHaveLength(70)
    expect(tail.at(-1).id).toBe(server.store.memberId(server.store.memberCount - 1))
    expect(tail.map((m) => m.id)).toEqual(Array.from({ length: 70 }, (_, i) => server.store.memberId(99_930 + i)))
  })

  it("looks members up by id and pages a payroll's paystubs without materialising them", async () => {
    const member = await api.get(`/v1/members/${server.store.memberId(77_777)}`)
    expect(member.status).toBe(200)
    expect(member.body.work_id).toMatch(/-077778$/)
    const runs = await api.get("/v1/payrolls?start_date=2026-01-01&end_date=2026-01-31")
    expect(runs.body.items).toHaveLength(2)
    const stubs = await api.get(`/v1/payrolls/${runs.body.items[0].id}/paystubs?limit=100`)
    expect(stubs.body.items).toHaveLength(100)
    const stub = await api.get(`/v1/paystubs/${stubs.body.items[99].paystub_id}`)
    expect(stub.body.net_pay).toBe(stubs.body.items[99].net_pay)
  })

  it("keeps heap growth small", () => {
    const grown = (liveHeap() - heapBefore) / 1024 / 1024
    expect(grown).toBeLessThan(50)
  })
})
