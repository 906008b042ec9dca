/**
 * The Airbyte protocol commands of the built CLI against the stateful mock: every stdout line is an
 * AirbyteMessage of the published protocol; spec, check, discover (scope-aware) and read (incremental resume
 * from the emitted state); bad config, catalog and state are one clear line and a non-zero exit.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import {
  airbyteMessageValidator,
  type CliResult,
  ensureBuilt,
  hasStackTrace,
  runCli,
  spawnCli,
  tempDir,
  waitForOutput,
  writeJson
} from "../../test-support/cliHarness.js"

let mock: MockServer
let tmp: ReturnType<typeof tempDir>
let tokens: { access_token: string; refresh_token: string }
let configFile: string
const protocol = airbyteMessageValidator()
/** every CLI run of this file, to look for leaked secrets at the end */
const outputs: Array<CliResult> = []

const cli = async (...args: Array<string>) => {
  const result = await runCli(args)
  outputs.push(result)
  return result
}

const configFor = (name: string, extra: Record<string, unknown> = {}, issued = tokens) =>
  writeJson(tmp.file(name), {
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    base_url: mock.url,
    start_date: "2020-01-01",
    ...extra
  })

const catalogFor = (streams: ReadonlyArray<readonly [string, "full_refresh" | "incremental"]>) =>
  ({
    streams: streams.map(([name, mode]) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
      sync_mode: mode,
      destination_sync_mode: "append"
    }))
  })

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 30, payrollMonths: 2, reportReadyAfterPolls: 0 })
  tmp = tempDir()
  tokens = mock.issueTokens(mock.scopes)
  configFile = configFor("config.json")
  await built
}, 120_000)

afterAll(async () => {
  await mock?.close()
  tmp?.cleanup()
})

describe("Airbyte protocol commands", () => {
  it("spec: one SPEC message whose connectionSpecification marks the secrets and accepts a config", async () => {
    const result = await cli("spec")
    expect(result.code).toBe(0)
    const messages = protocol.messages(result.stdout)
    expect(messages.map((m) => m["type"])).toEqual(["SPEC"])
    const spec = messages[0]!["spec"]
    const properties = spec.connectionSpecification.properties
    for (const secret of ["client_secret", "access_token", "refresh_token"]) expect(properties[secret].airbyte_secret).toBe(true)
    expect(properties["client_id"].airbyte_secret).toBeUndefined()
    expect(spec.connectionSpecification.required).toEqual(["client_id", "client_secret"])
    const validConfig = protocol.compileSchema(spec.connectionSpecification)
    expect(validConfig(JSON.parse(readFileSync(configFile, "utf8")))).toBe(true)
    expect(validConfig({ client_secret: "x" })).toBe(false)
  })

  it("spec: advanced_auth lets a platform run the OAuth flow: consent and token URL templates, scopes, where tokens go", async () => {
    const result = await cli("spec")
    const spec = protocol.messages(result.stdout)[0]!["spec"]
    const oauth = spec.advanced_auth.oauth_config_specification
    const input = oauth.oauth_connector_input_specification
    expect(input.scope).toBe("company.detail:read member.detail:read member.employment:read time_off:read")
    // what a platform does with the templates: fill in its values, piped through the filters named
    const values: Record<string, string> = {
      client_id_value: "app id",
      client_secret_value: "app secret",
      redirect_uri_value: "https://platform.example/oauth/callback",
      state_value: "st4te",
      scope_value: input.scope,
      auth_code_value: "c0de"
    }
    const params: Record<string, string> = {
      client_id_param: `client_id=${encodeURIComponent(values["client_id_value"]!)}`,
      client_secret_param: `client_secret=${encodeURIComponent(values["client_secret_value"]!)}`,
      state_param: `state=${values["state_value"]}`,
      auth_code_param: `code=${values["auth_code_value"]}`
    }
    const render = (template: string) =>
      template.replace(/\{\{\s*(\w+)\s*(\|\s*urlencode\s*)?\}\}/g, (_, name: string, encode?: string) => {
        const value = params[name] ?? values[name]
        expect(value, `unknown placeholder ${name}`).toBeDefined()
        return encode ? encodeURIComponent(value!) : value!
      })
    const consent = new URL(render(input.consent_url))
    expect(consent.origin + consent.pathname).toBe("https://payroll.justworks.com/oauth/authorize")
    expect(Object.fromEntries(consent.searchParams)).toEqual({
      response_type: "code",
      client_id: "app id",
      redirect_uri: values["redirect_uri_value"],
      scope: input.scope,
      state: "st4te"
    })
    const token = new URL(render(input.access_token_url))
    expect(token.origin + token.pathname).toBe("https://public-api.justworks.com/oauth/token")
    expect(Object.fromEntries(token.searchParams)).toEqual({
      grant_type: "authorization_code",
      code: "c0de",
      redirect_uri: values["redirect_uri_value"],
      client_id: "app id",
      client_secret: "app secret"
    })
    // every token and credential lands on a property of the config
    const properties = spec.connectionSpecification.properties
    for (const part of ["complete_oauth_output_specification", "complete_oauth_server_output_specification"]) {
      for (const field of Object.values(oauth[part].properties) as Array<{ path_in_connector_config: Array<string> }>) {
        expect(properties[field.path_in_connector_config[0]!]).toBeDefined()
      }
    }
    expect(oauth.complete_oauth_output_specification.properties.token_expires_at.path_in_oauth_response).toEqual(["expires_at"])
  })

  it("check: SUCCEEDED with every healthcheck passing; FAILED (exit 0) with a revoked-looking token", async () => {
    const [ok, bad] = await Promise.all([
      cli("check", "--config", configFile),
      cli("check", "--config", configFor("bad-token.json", { access_token: "at_nope", refresh_token: "rt_nope" }))
    ])
    expect(ok.code).toBe(0)
    const [status] = protocol.messages(ok.stdout).filter((m) => m["type"] === "CONNECTION_STATUS")
    expect(status!["connectionStatus"]).toMatchObject({ status: "SUCCEEDED" })
    expect(status!["connectionStatus"].message).toMatch(/List Company Members/)

    expect(bad.code).toBe(0)
    const [failed] = protocol.messages(bad.stdout).filter((m) => m["type"] === "CONNECTION_STATUS")
    expect(failed!["connectionStatus"].status).toBe("FAILED")
    expect(failed!["connectionStatus"].message).toMatch(/reconnect|refresh token|rejected/i)
  })

  it("discover: every stream with schema, sync modes, cursor and primary key", async () => {
    const result = await cli("discover", "--config", configFile)
    expect(result.code).toBe(0)
    const [catalog] = protocol.messages(result.stdout)
    const streams: Array<Record<string, any>> = catalog!["catalog"].streams
    expect(streams.map((s) => s["name"])).toContain("paystub_details")
    expect(streams).toHaveLength(19)
    const members = streams.find((s) => s["name"] === "members")!
    expect(members).toMatchObject({
      supported_sync_modes: ["full_refresh", "incremental"],
      source_defined_cursor: true,
      default_cursor_field: ["updated_at"],
      source_defined_primary_key: [["id"]]
    })
    expect(Object.keys(members["json_schema"].properties)).toEqual(expect.arrayContaining(["date_of_birth", "current_pay"]))
    const payrolls = streams.find((s) => s["name"] === "payrolls")!
    expect(payrolls).toMatchObject({ supported_sync_modes: ["full_refresh", "incremental"], default_cursor_field: ["pay_date"] })
    // a child following its parent has no cursor field of its own
    const paystubs = streams.find((s) => s["name"] === "paystubs")!
    expect(paystubs).toMatchObject({ supported_sync_modes: ["full_refresh", "incremental"], source_defined_cursor: true })
    expect(paystubs["default_cursor_field"]).toBeUndefined()
    const webhooks = streams.find((s) => s["name"] === "webhooks")!
    expect(webhooks["supported_sync_modes"]).toEqual(["full_refresh"])
    expect(webhooks["source_defined_cursor"]).toBeUndefined()
    expect(streams.find((s) => s["name"] === "company_business_info")!["source_defined_primary_key"]).toBeUndefined()
  })

  it("discover with only member.basic:read: no streams it cannot read, no member fields it does not grant", async () => {
    const basic = mock.issueTokens(["member.basic:read"])
    // the config says what the tokens were granted: the action list_members needs exactly member.basic:read
    const result = await cli("discover", "--config", configFor("basic.json", { actions: ["list_members"] }, basic))
    expect(result.code).toBe(0)
    const streams: Array<Record<string, any>> = protocol.messages(result.stdout)[0]!["catalog"].streams
    expect(streams.map((s) => s["name"]).sort()).toEqual(["members", "webhooks"])
    const fields = Object.keys(streams.find((s) => s["name"] === "members")!["json_schema"].properties)
    expect(fields).toEqual(expect.arrayContaining(["id", "name", "updated_at"]))
    for (const hidden of ["date_of_birth", "current_pay", "pay_history", "sex_assigned_at_birth", "addresses"]) {
      expect(fields).not.toContain(hidden)
    }
  })

  it("read: a reader that goes away (`read | head -1`) stops the read quietly, as Ctrl-C does", async () => {
    const catalog = writeJson(tmp.file("catalog-pipe.json"), catalogFor([["members", "full_refresh"], ["payrolls", "full_refresh"]]))
    const child = spawnCli(["read", "--config", configFile, "--catalog", catalog], { cwd: tmp.dir })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)))
    // the first line (a LOG) comes before any request: the records after it meet a closed pipe
    await waitForOutput(child.stdout, /\n/)
    child.stdout.destroy()
    expect(await exited).toBe(130)
    expect(hasStackTrace(stderr), stderr).toBe(false)
    expect(stderr).not.toMatch(/EPIPE|Unhandled|unexpected failure/)
  })

  it("read: records, per-stream STATE and stream statuses; resuming from the emitted state misses nothing", async () => {
    const catalog = writeJson(tmp.file("catalog.json"), catalogFor([["members", "incremental"], ["departments", "full_refresh"]]))
    const first = await cli("read", "--config", configFile, "--catalog", catalog)
    expect(first.code).toBe(0)
    expect(first.stderr).toBe("")
    const messages = protocol.messages(first.stdout)
    const records = (stream: string, from = messages) =>
      from.filter((m) => m["type"] === "RECORD" && m["record"].stream === stream).map((m) => m["record"].data)
    expect(records("members")).toHaveLength(30)
    expect(records("departments").length).toBe(mock.store.counts().departments)
    const statuses = (stream: string, from = messages) =>
      from.filter((m) => m["type"] === "TRACE" && m["trace"].type === "STREAM_STATUS" && m["trace"].stream_status.stream_descriptor.name === stream)
        .map((m) => m["trace"].stream_status.status)
    expect(statuses("members")).toEqual(["STARTED", "RUNNING", "COMPLETE"])
    expect(statuses("departments")).toEqual(["STARTED", "RUNNING", "COMPLETE"])
    const logs = messages.filter((m) => m["type"] === "LOG").map((m) => m["log"])
    expect(logs).toEqual([{ level: "INFO", message: expect.stringMatching(/^reading 2 streams .*: members \(incremental\), departments \(full refresh\)$/) }])
    const statesOf = (stream: string) =>
      messages.filter((m) => m["type"] === "STATE" && m["state"].type === "STREAM" && m["state"].stream.stream_descriptor.name === stream)
    const states = statesOf("members")
    expect(states.length).toBeGreaterThan(0)
    // a full-refresh stream ends on a state too, an empty one: the next read starts from the beginning
    expect(statesOf("departments").map((m) => m["state"].stream.stream_state)).toEqual([{}])
    const last = states[states.length - 1]!["state"]
    const cursor: string = last.stream.stream_state.cursor
    expect(cursor).toBe(records("members").map((r) => r.updated_at as string).sort().pop())

    // a member changes, then the next read starts from the saved state
    const touched = mock.store.touchMember(3)
    mock.clearLog()
    const stateFile = writeJson(tmp.file("state.json"), [last])
    const second = await cli("read", "--config", configFile, "--catalog", catalog, "--state", stateFile)
    expect(second.code).toBe(0)
    const resumed = records("members", protocol.messages(second.stdout))
    expect(resumed.every((r) => (r.updated_at as string) >= cursor)).toBe(true)
    expect(resumed.find((r) => r.id === mock.store.memberId(3))?.updated_at).toBe(touched)
    expect(resumed.length).toBeLessThan(30)
    const all = new Set([...records("members"), ...resumed].map((r) => r.id))
    expect(all.size).toBe(30)
    const memberRequests = mock.requests.filter((r) => r.path === "/v1/members")
    expect(memberRequests.every((r) => r.query["updated_at_gte"] === cursor)).toBe(true)
  })

  const rejects = (result: CliResult, pattern: RegExp) => {
    expect(result.code).not.toBe(0)
    const lines = result.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(pattern)
    expect(hasStackTrace(result.stderr + result.stdout)).toBe(false)
    const messages = protocol.messages(result.stdout)
    expect(messages).toHaveLength(1)
    expect(messages[0]!["trace"]).toMatchObject({ type: "ERROR", error: { failure_type: "config_error" } })
    expect(messages[0]!["trace"].error.message).toMatch(pattern)
  }

  it("a bad config, catalog or state: one TRACE error, one stderr line naming file and path, non-zero exit", async () => {
    const catalog = writeJson(tmp.file("ok-catalog.json"), catalogFor([["members", "full_refresh"]]))
    const noClient = configFor("no-client.json", { client_id: undefined })
    const notJson = tmp.file("not-json.json")
    writeFileSync(notJson, "{ client_id: ")
    const unknownStream = writeJson(tmp.file("bad-catalog.json"), catalogFor([["members", "full_refresh"], ["memberz", "full_refresh"]]))
    const twice = writeJson(tmp.file("twice.json"), catalogFor([["payrolls", "incremental"], ["payrolls", "full_refresh"]]))
    const badState = writeJson(tmp.file("bad-state.json"), [{ type: "STREAM", stream: { stream_descriptor: { name: "members" }, stream_state: { cursor: 7 } } }])
    const incremental = writeJson(tmp.file("inc-catalog.json"), catalogFor([["members", "incremental"]]))
    const stateWith = (name: string, cursor: string) =>
      writeJson(tmp.file(name), [{ type: "STREAM", stream: { stream_descriptor: { name: "members" }, stream_state: { cursor } } }])
    const handEdited = stateWith("edited-state.json", "yesterday")
    const cases: Array<[Array<string>, RegExp]> = [
      [["check", "--config", noClient], /invalid config: .*no-client\.json at client_id: is missing/],
      [["read", "--config", notJson, "--catalog", catalog], /invalid config: .*not-json\.json: not valid JSON/],
      [["discover", "--config", tmp.file("missing.json")], /invalid config: .*missing\.json: no such file/],
      [
        ["read", "--config", configFile, "--catalog", unknownStream],
        /invalid catalog: .*bad-catalog\.json at streams\[1\]\.stream\.name: unknown stream "memberz"; streams: company, /
      ],
      [["read", "--config", configFile, "--catalog", twice], /at streams\[1\]\.stream\.name: stream "payrolls" is configured twice/],
      [
        ["read", "--config", configFile, "--catalog", catalog, "--state", badState],
        /invalid state: .*bad-state\.json at \[0\]\.stream\.stream_state\.cursor: stream "members": Expected string, actual 7$/
      ],
      [
        ["read", "--config", configFile, "--catalog", incremental, "--state", handEdited],
        /invalid state: .*edited-state\.json: stream members: its cursor is sent as updated_at_gte: Expected an RFC 3339 date-time with seconds and a time zone \(e\.g\. 2025-01-31T12:00:00Z\), actual "yesterday"$/
      ],
      // what the API refuses though records are read leniently: no seconds, a space, no such month, a leap second
      ...["2024-01-01T00:00Z", "2024-01-01 00:00:00Z", "2024-13-45T00:00:00Z", "2024-01-31T12:00:60Z"].map((cursor, i): [Array<string>, RegExp] => [
        ["read", "--config", configFile, "--catalog", incremental, "--state", stateWith(`lenient-${i}.json`, cursor)],
        new RegExp(`stream members: its cursor is sent as updated_at_gte: Expected an RFC 3339 date-time .*, actual "${cursor}"$`)
      ])
    ]
    const results = await Promise.all(cases.map(([args]) => cli(...args)))
    results.forEach((result, i) => rejects(result, cases[i]![1]))
  })

  it("a command line the parser refuses: each problem on a line of its own with the program's name, nothing on stdout", async () => {
    const [directory, notANumber] = await Promise.all([
      cli("read", "--config", tmp.dir),
      cli("sync", "--mock-members", "many")
    ])
    expect(directory.code).toBe(1)
    expect(directory.stdout).toBe("")
    expect(directory.stderr.trim().split("\n")).toEqual([
      `justworks-connector: Expected path '${tmp.dir}' to be a regular file`,
      "justworks-connector: Expected to find option: '--catalog'"
    ])
    expect(notANumber.code).toBe(1)
    expect(notANumber.stderr.trim()).toBe("justworks-connector: 'many' is not a integer")
  })

  it("action: input is checked before any request; prints the JSON result; SSNs are masked", async () => {
    mock.clearLog()
    const [unknown, missing, badBody] = await Promise.all([
      cli("action", "get_companyy", "--config", configFile),
      cli("action", "get_member", "--config", configFile),
      cli("action", "create_deductions", "--config", configFile, "--input", '{"items":[]}')
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toMatch(/^justworks-connector: unknown action "get_companyy"; valid actions: get_company, .*simulate_webhook$/)
    expect(missing.stderr.trim()).toBe('justworks-connector: action get_member: "member_id" is required (a string)')
    expect(badBody.code).toBe(1)
    expect(badBody.stderr.trim()).toBe("justworks-connector: invalid rows: --input: holds no rows")
    expect(mock.requests).toEqual([])

    const [company, ssn] = await Promise.all([
      cli("action", "get_company", "--config", configFile),
      cli("action", "get_member_tax_id", "--config", configFile, "--input", JSON.stringify({ member_id: mock.store.memberId(0) }))
    ])
    expect(company.code).toBe(0)
    expect(JSON.parse(company.stdout)).toMatchObject({ id: mock.store.company()["id"] })
    // the first member of the seeded company is domestic: it has an SSN
    expect(ssn.code, ssn.stderr).toBe(0)
    expect(JSON.parse(ssn.stdout)).toEqual({ US: { ssn: expect.stringMatching(/^\*\*\*-\*\*-\d{4}$/) } })
  })

  it("no output of any command holds the access token, refresh token or client secret", () => {
    expect(outputs.length).toBeGreaterThan(10)
    const secrets = [tokens.access_token, tokens.refresh_token, mock.clientSecret]
    for (const { stdout, stderr } of outputs) {
      for (const secret of secrets) {
        expect(stdout.includes(secret) || stderr.includes(secret), `output leaks ${secret.slice(0, 6)}…`).toBe(false)
      }
    }
  })
})
