/**
 * The inputs real Airbyte clients send, byte for byte in shape: PyAirbyte configures every stream
 * `incremental` with `append_dedup` whatever the stream supports, and writes the state back through
 * pydantic's `model_dump_json()`, so every optional field arrives as `null`. A destination types its
 * columns from `discover`: no `$ref`, `$defs`, `anyOf` or `allOf`, nullability as a type list, and no
 * null in a primary-key field of any record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { airbyteMessageValidator, ensureBuilt, hasStackTrace, runCli, tempDir, writeJson } from "../../test-support/cliHarness.js"

let mock: MockServer
let tmp: ReturnType<typeof tempDir>
let configFile: string
const protocol = airbyteMessageValidator()

type Message = Record<string, any>

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 25, payrollMonths: 2, reportReadyAfterPolls: 0 })
  tmp = tempDir()
  const tokens = mock.issueTokens(mock.scopes)
  configFile = writeJson(tmp.file("config.json"), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    base_url: mock.url,
    start_date: "2020-01-01"
  })
  await built
}, 120_000)

afterAll(async () => {
  await mock?.close()
  tmp?.cleanup()
})

/** Every key of a JSON value, at any depth. */
const keysDeep = (value: unknown, into = new Set<string>()): Set<string> => {
  if (Array.isArray(value)) value.forEach((v) => keysDeep(v, into))
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      into.add(k)
      keysDeep(v, into)
    }
  }
  return into
}

/** A STATE message as pydantic's `model_dump_json()` writes it: every optional field present, as null. */
const asPydantic = (state: Message): Message => ({
  type: "STREAM",
  stream: {
    stream_descriptor: { name: state["stream"].stream_descriptor.name, namespace: null },
    stream_state: state["stream"].stream_state ?? null
  },
  global_: null,
  data: null,
  sourceStats: null,
  destinationStats: null
})

describe("a PyAirbyte-shaped run", () => {
  let catalogStreams: Array<Message> = []

  it("discover: self-contained schemas a destination can type, nullability as a type list", async () => {
    const result = await runCli(["discover", "--config", configFile])
    expect(result.code, result.stderr).toBe(0)
    const catalog = protocol.messages(result.stdout).find((m) => m["type"] === "CATALOG")!["catalog"]
    catalogStreams = catalog.streams
    expect(catalogStreams.length).toBeGreaterThan(10)
    for (const stream of catalogStreams) {
      const keys = keysDeep(stream.json_schema)
      for (const forbidden of ["$ref", "$defs", "definitions", "anyOf", "allOf", "oneOf"]) {
        expect(keys.has(forbidden), `${stream.name} has ${forbidden}`).toBe(false)
      }
      for (const [field, schema] of Object.entries<Message>(stream.json_schema.properties ?? {})) {
        const type = schema["type"]
        expect(type === undefined ? `${stream.name}.${field} has no type` : "typed").toBe("typed")
        // a nullable field says so in its type list, never through a combinator
        if (Array.isArray(type)) expect(type.filter((t: string) => t !== "null")).toHaveLength(1)
      }
    }
    const members = catalogStreams.find((s) => s.name === "members")!.json_schema.properties
    expect(members.date_of_birth).toMatchObject({ format: "date" })
  })

  it("every stream incremental + append_dedup, then a second read on the state re-serialised with nulls", async () => {
    const streams = catalogStreams.map((stream) => ({
      stream,
      sync_mode: "incremental",
      destination_sync_mode: "append_dedup",
      cursor_field: null,
      primary_key: null
    }))
    const catalog = writeJson(tmp.file("catalog.json"), { streams })
    const first = await runCli(["read", "--config", configFile, "--catalog", catalog])
    expect(first.code, first.stderr).toBe(0)
    expect(hasStackTrace(first.stdout + first.stderr)).toBe(false)
    const messages = protocol.messages(first.stdout)
    const errors = messages.filter((m) => m["type"] === "TRACE" && m["trace"].type === "ERROR")
    expect(errors).toEqual([])

    // a stream with no cursor is read as full refresh, and a LOG line says so
    const fullRefreshOnly = catalogStreams.filter((s) => !s.supported_sync_modes.includes("incremental")).map((s) => s.name)
    expect(fullRefreshOnly.length).toBeGreaterThan(0)
    const logs: Array<string> = messages.filter((m) => m["type"] === "LOG").map((m) => m["log"].message)
    for (const name of fullRefreshOnly) {
      expect(logs.some((line) => line.includes(`stream ${name} has no cursor`) && line.includes("read in full")), name).toBe(true)
    }

    // every stream completes and ends on a state of its own
    const statesByStream = new Map<string, Message>()
    for (const m of messages) {
      if (m["type"] === "STATE") statesByStream.set(m["state"].stream.stream_descriptor.name, m["state"])
    }
    const completed = messages.filter((m) => m["type"] === "TRACE" && m["trace"].type === "STREAM_STATUS" && m["trace"].stream_status.status === "COMPLETE")
      .map((m) => m["trace"].stream_status.stream_descriptor.name)
    expect(new Set(completed)).toEqual(new Set(catalogStreams.map((s) => s.name)))
    expect(new Set(statesByStream.keys())).toEqual(new Set(catalogStreams.map((s) => s.name)))

    // no record has a null (or missing) primary-key field: a destination merging on the key keeps one row
    const keyOf = new Map(catalogStreams.map((s) => [s.name, (s.source_defined_primary_key ?? []) as Array<Array<string>>]))
    let records = 0
    for (const m of messages) {
      if (m["type"] !== "RECORD") continue
      records++
      for (const path of keyOf.get(m["record"].stream) ?? []) {
        const value = path.reduce<any>((v, k) => (v == null ? v : v[k]), m["record"].data)
        expect(value, `${m["record"].stream}: ${path.join(".")}`).not.toBeNull()
        expect(value, `${m["record"].stream}: ${path.join(".")}`).not.toBeUndefined()
      }
    }
    expect(records).toBeGreaterThan(100)
    const membersFirst = messages.filter((m) => m["type"] === "RECORD" && m["record"].stream === "members").length
    expect(membersFirst).toBe(25)

    // the second read: the state as PyAirbyte writes it back
    mock.store.touchMember(4)
    const stateFile = writeJson(tmp.file("state.json"), [...statesByStream.values()].map(asPydantic))
    const second = await runCli(["read", "--config", configFile, "--catalog", catalog, "--state", stateFile])
    expect(second.code, second.stderr).toBe(0)
    const again = protocol.messages(second.stdout)
    expect(again.filter((m) => m["type"] === "TRACE" && m["trace"].type === "ERROR")).toEqual([])
    const membersAgain = again.filter((m) => m["type"] === "RECORD" && m["record"].stream === "members")
    // only what changed since the cursor (the changed member, and those sharing the cursor's instant)
    expect(membersAgain.length).toBeGreaterThan(0)
    expect(membersAgain.length).toBeLessThan(membersFirst)
    expect(membersAgain.map((m) => m["record"].data.id)).toContain(mock.store.memberId(4))
  }, 180_000)

  it("a state listed twice, or one in a shape it cannot be, is one plain sentence", async () => {
    const catalog = writeJson(tmp.file("catalog-members.json"), {
      streams: [{ stream: catalogStreams.find((s) => s.name === "members"), sync_mode: "incremental", destination_sync_mode: "append_dedup" }]
    })
    const state = { type: "STREAM", stream: { stream_descriptor: { name: "members", namespace: null }, stream_state: null } }
    const twice = await runCli(["read", "--config", configFile, "--catalog", catalog, "--state", writeJson(tmp.file("twice.json"), [state, state])])
    expect(twice.code).not.toBe(0)
    expect(twice.stderr.trim()).toMatch(/stream "members" has a state twice/)
    expect(twice.stderr.trim().split("\n")).toHaveLength(1)
    const foreign = await runCli(["read", "--config", configFile, "--catalog", catalog, "--state",
      writeJson(tmp.file("foreign.json"), [{ type: "STREAM", stream: { stream_descriptor: { name: "members" }, stream_state: { updated_at: 5 } } }])])
    expect(foreign.code).not.toBe(0)
    const line = foreign.stderr.trim()
    expect(line.split("\n")).toHaveLength(1)
    expect(line).toMatch(/members/)
    // a plain sentence, not a dump of an internal schema type
    expect(line).not.toMatch(/readonly|\{ readonly|Schema|ParseError/)
    expect(hasStackTrace(foreign.stdout + foreign.stderr)).toBe(false)
  })
})
