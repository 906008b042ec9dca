/**
 * The built CLI against hostile input: broken and booby-trapped configs, a hostile API (echoed tokens, a record
 * nested 10,000 levels, 100 MB, answers of the wrong shape), bad command lines. Each case is one located line
 * and a non-zero exit, no stack trace, and nothing lost (the other streams complete, nothing is created). At
 * the end, every output and every file of these runs is searched for the secrets and SSNs they handled: none
 * appears, but in the one `--reveal` output.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../../contract-tests/support/freePort.js"
import { startMockServer, type MockServer } from "../../mocks/index.js"
import { type CliResult, ensureBuilt, hasStackTrace, runCli, spawnCli, tempDir, waitForOutput, writeJson } from "../../test-support/cliHarness.js"
import { deductionRows, jsonLines } from "../../test-support/deductionRows.js"
import { answer, on, startHostileServer, type HostileServer } from "../../test-support/hostileServer.js"

let mock: MockServer
let api: HostileServer
let tmp: ReturnType<typeof tempDir>
let tokens: { access_token: string; refresh_token: string }

/** Secrets this file hands the CLI, and SSNs it plants in hostile answers: none may be printed or stored. */
const PASSPHRASE = "hostile-suite passphrase 7f3e"
const USERINFO_PASSWORD = "hunter2-userinfo-9c1d"
const PLANTED_SSN = "078-05-1120"
/** an SSN sent as a JSON number */
const NUMERIC_SSN = 219099999
const env = { JUSTWORKS_TOKEN_KEY: PASSPHRASE }

/** every CLI run of this file; the one allowed to show an SSN is marked */
const runs: Array<{ readonly result: CliResult; readonly reveal: boolean }> = []

const cli = async (args: ReadonlyArray<string>, options: { readonly reveal?: boolean; readonly env?: NodeJS.ProcessEnv } = {}) => {
  const result = await runCli(args, { cwd: tmp.dir, env: { ...env, ...options.env } })
  runs.push({ result, reveal: options.reveal ?? false })
  return result
}

const configOf = (extra: Record<string, unknown> = {}) => ({
  client_id: mock.clientId,
  client_secret: mock.clientSecret,
  access_token: tokens.access_token,
  refresh_token: tokens.refresh_token,
  base_url: api.url,
  start_date: "2024-01-01",
  ...extra
})

const config = (name: string, extra: Record<string, unknown> = {}) => writeJson(tmp.file(name), configOf(extra))

const catalog = (...streams: ReadonlyArray<string>) =>
  writeJson(tmp.file(`catalog-${streams.join("-")}.json`), {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh"] },
      sync_mode: "full_refresh",
      destination_sync_mode: "overwrite"
    }))
  })

type Message = Record<string, any>
const messages = (stdout: string): Array<Message> => stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Message)
const errorTraces = (ms: ReadonlyArray<Message>) => ms.filter((m) => m["type"] === "TRACE" && m["trace"].type === "ERROR")
const statusesOf = (ms: ReadonlyArray<Message>, stream: string) =>
  ms.filter((m) => m["type"] === "TRACE" && m["trace"].type === "STREAM_STATUS" && m["trace"].stream_status.stream_descriptor.name === stream)
    .map((m) => m["trace"].stream_status.status as string)
const recordsOf = (ms: ReadonlyArray<Message>, stream: string) => ms.filter((m) => m["type"] === "RECORD" && m["record"].stream === stream)

/**
 * A refusal: exit 1, one `justworks-connector:` line on stderr matching `pattern`, no stack trace; an Airbyte
 * command also prints it as its one TRACE error on stdout.
 */
const refused = (result: CliResult, pattern: RegExp, airbyte = false) => {
  expect(result.code, result.stderr).toBe(1)
  const lines = result.stderr.split("\n").filter((l) => l !== "")
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^justworks-connector: /)
  expect(lines[0]).toMatch(pattern)
  expect(lines[0]).not.toMatch(/unexpected failure/)
  expect(hasStackTrace(`${result.stdout}\n${result.stderr}`)).toBe(false)
  if (airbyte) {
    const traces = errorTraces(messages(result.stdout))
    expect(traces).toHaveLength(1)
    expect(traces[0]!["trace"].error.message).toBe(lines[0]!.replace(/^justworks-connector: /, ""))
  }
}

/** A record of the members stream that passes its schema (the mock's first member). */
const member = () => mock.store.member(0)!

/** `[[[…]]]` nested `levels` deep, as JSON text (JSON.stringify of such a value overflows the stack). */
const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`

/** `value` as JSON text with `key` holding `text` (JSON) at its end. */
const withRaw = (value: Record<string, unknown>, key: string, text: string) => `${JSON.stringify(value).slice(0, -1)},${JSON.stringify(key)}:${text}}`

/** A script preloaded into the CLI that writes its peak resident memory (KiB) to `file` as it exits. */
const peakRssProbe = (file: string) => {
  const probe = tmp.file("peak-rss.cjs")
  writeFileSync(probe, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(file)}, String(process.resourceUsage().maxRSS)))\n`)
  return probe
}

/** Every file under a directory. */
const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))

const mode = (path: string) => statSync(path).mode & 0o777

beforeAll(async () => {
  const built = ensureBuilt()
  mock = await startMockServer({ members: 6, payrollMonths: 1, reportReadyAfterPolls: 0 })
  api = await startHostileServer(mock.url)
  tmp = tempDir()
  tokens = mock.issueTokens(mock.scopes)
  await built
}, 120_000)

afterEach(() => {
  api.rules = []
})

afterAll(async () => {
  await api?.close()
  await mock?.close()
  tmp?.cleanup()
})

describe("hostile configs", () => {
  it("a config that is not an object, or holds a secret where a name goes, is described without its contents", async () => {
    writeFileSync(tmp.file("double-encoded.json"), JSON.stringify(JSON.stringify(configOf())))
    refused(await cli(["check", "--config", tmp.file("double-encoded.json")]), /double-encoded\.json: must be a JSON object, not a string$/, true)
    writeJson(tmp.file("array.json"), [configOf(), configOf()])
    refused(await cli(["check", "--config", tmp.file("array.json")]), /array\.json: must be a JSON object, not an array$/, true)
    const keyed = config("secret-as-key.json", { [tokens.refresh_token]: true })
    refused(await cli(["check", "--config", keyed]), /secret-as-key\.json at \[…\]: unknown key$/, true)
    const element = config("secret-as-element.json", { presets: [tokens.access_token] })
    refused(await cli(["check", "--config", element]), /secret-as-element\.json at presets\[0\]: unknown preset \(a name of \d+ characters, not shown\); valid: /, true)
  })

  it("duplicate keys, bytes that are not UTF-8, blank secrets and nesting 10,000 deep are located", async () => {
    const duplicate = tmp.file("duplicate.json")
    writeFileSync(duplicate, `{\n  "client_id": "a",\n  "client_secret": "${mock.clientSecret}",\n  "client_secret": "other-secret-value",\n  "access_token": "${tokens.access_token}"\n}`)
    refused(await cli(["check", "--config", duplicate]), /duplicate\.json at client_secret: the key is given twice \(again at line 4, column 3\)/, true)
    const latin1 = tmp.file("latin1.json")
    writeFileSync(latin1, Buffer.concat([Buffer.from('{\n  "client_id": "Z'), Buffer.from([0xf6]), Buffer.from(`e",\n  "client_secret": "${mock.clientSecret}"\n}`)]))
    refused(await cli(["check", "--config", latin1]), /latin1\.json: not valid UTF-8 \(byte 20: line 2, column 18\)$/, true)
    refused(await cli(["check", "--config", config("blank.json", { client_secret: " \t " })]), /blank\.json at client_secret: must not be empty or blank$/, true)
    const deep = tmp.file("deep.json")
    writeFileSync(deep, withRaw(configOf(), "presets", nested(10_000)))
    refused(await cli(["check", "--config", deep]), /deep\.json at presets(\[0\]){63}: nested deeper than 64 levels \(at line 1, column \d+\)$/, true)
  })

  it("tokens beside a token store is an error; a token store that is not there is created nowhere", async () => {
    refused(await cli(["check", "--config", config("both.json", { token_store: "tokens.db" })]), /both\.json at token_store: give either the tokens .* or token_store, not both$/, true)
    const { access_token: _a, refresh_token: _r, ...withoutTokens } = configOf({ token_store: "../made/up/dirs/tokens.db" })
    mkdirSync(tmp.file("cfg"))
    writeJson(tmp.file("cfg/store-elsewhere.json"), withoutTokens)
    const result = await cli(["check", "--config", tmp.file("cfg/store-elsewhere.json")])
    refused(result, /there is no token store at .*made\/up\/dirs\/tokens\.db: connect first/, true)
    expect(existsSync(tmp.file("made"))).toBe(false)
  })

  it("plain http to another host is refused unless allowed; loopback http is not", async () => {
    const insecure = config("insecure.json", { base_url: "http://203.0.113.7:8080" })
    refused(await cli(["discover", "--config", insecure]), /insecure\.json at base_url: http:\/\/ to a host other than this machine would send the client secret and the tokens unencrypted/, true)
    // discover reads nothing from the API: allowed, it runs
    const allowed = await cli(["discover", "--config", insecure, "--allow-insecure-http"])
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(messages(allowed.stdout).map((m) => m["type"])).toEqual(["CATALOG"])
    const byConfig = await cli(["discover", "--config", config("insecure-allowed.json", { base_url: "http://203.0.113.7:8080", allow_insecure_http: true })])
    expect(byConfig.code, byConfig.stderr).toBe(0)
    refused(
      await cli(["connect", "--client-id", "x", "--token-store", tmp.file("never.db"), "--authorize-url", "http://203.0.113.7/oauth/authorize"], { env: { JUSTWORKS_CLIENT_SECRET: mock.clientSecret } }),
      /--authorize-url http:\/\/203\.0\.113\.7\/oauth\/authorize: http:\/\/ to a host other than this machine .* pass --allow-insecure-http$/
    )
    expect(existsSync(tmp.file("never.db"))).toBe(false)
  })
})

describe("a hostile API", () => {
  it("an error echoing the bearer token and an SSN, and a token endpoint echoing the credentials, come out redacted", async () => {
    api.rules = [
      on("GET", "/v1/members", (req, res) =>
        answer(res, 400, { error: { code: "invalid", message: `header ${req.headers.authorization} refused for member ${PLANTED_SSN}` } })),
      on("POST", "/oauth/token", (_req, res) =>
        answer(res, 400, { error: "invalid_request", error_description: `refresh_token=rt_unknown_5e4d3c2b1a client_secret=cs_unknown_0a9b8c7d password: ${USERINFO_PASSWORD}` }))
    ]
    const echoed = await cli(["read", "--config", config("echo.json"), "--catalog", catalog("members", "departments")])
    expect(echoed.code).toBe(1)
    const ms = messages(echoed.stdout)
    const [members] = errorTraces(ms)
    expect(members!["trace"].error.message).toBe(
      "list_members: InvalidRequest error (HTTP 400) on GET /v1/members: header Bearer *** refused for member ***-**-****"
    )
    expect(statusesOf(ms, "members")).toEqual(["STARTED", "INCOMPLETE"])
    expect(statusesOf(ms, "departments")).toEqual(["STARTED", "RUNNING", "COMPLETE"])
    expect(recordsOf(ms, "departments").length).toBeGreaterThan(0)

    // userinfo in the base URL, a refresh token alone (the first request refreshes), a token endpoint that echoes
    const { access_token: _a, ...refreshOnly } = configOf({ base_url: api.url.replace("http://", `http://app:${USERINFO_PASSWORD}@`) })
    const tokenEcho = await cli(["read", "--config", writeJson(tmp.file("userinfo.json"), refreshOnly), "--catalog", catalog("departments")])
    expect(tokenEcho.code).toBe(1)
    const [failure] = errorTraces(messages(tokenEcho.stdout))
    expect(failure!["trace"].error.message).toMatch(/^token endpoint http:\/\/\*\*\*@127\.0\.0\.1:\d+\/oauth\/token: /)
    expect(hasStackTrace(tokenEcho.stderr)).toBe(false)
  })

  it("a record nested 10,000 levels fails its stream with a clear error; the other streams complete, in read and in sync", async () => {
    api.rules = [
      on("GET", "/v1/members", (_req, res) => answer(res, 200, `{"items":[${withRaw(member(), "notes", nested(10_000))}],"next_cursor":null}`))
    ]
    const read = await cli(["read", "--config", config("deep-read.json"), "--catalog", catalog("members", "departments", "offices")])
    expect(read.code).toBe(1)
    const ms = messages(read.stdout)
    const traces = errorTraces(ms)
    // the stream's error, then the command's
    expect(traces).toHaveLength(2)
    expect(traces[1]!["trace"].error.message).toBe("1 of 3 streams did not complete: members")
    expect(traces[0]!["trace"].error).toMatchObject({
      stream_descriptor: { name: "members" },
      message: "list_members: response to GET /v1/members refused (HTTP 200): the JSON of the response is nested deeper than 64 levels (defaults.requester.max_json_depth)"
    })
    expect(statusesOf(ms, "members")).toEqual(["STARTED", "INCOMPLETE"])
    for (const stream of ["departments", "offices"]) expect(statusesOf(ms, stream)).toEqual(["STARTED", "RUNNING", "COMPLETE"])
    expect(read.stderr.trim()).toBe("justworks-connector: 1 of 3 streams did not complete: members")
    expect(read.stderr + read.stdout).not.toMatch(/Maximum call stack/)

    const database = tmp.file("db/deep.db")
    const sync = await cli(["sync", "--config", config("deep-sync.json", { presets: ["company_information", "member_information"] }), "--database", database])
    expect(sync.code).toBe(1)
    expect(sync.stderr).toMatch(/failed: members: list_members: response to GET \/v1\/members refused \(HTTP 200\): the JSON of the response is nested deeper than 64 levels/)
    // stream, records, requests, (rows marked deleted), seconds, status
    expect(sync.stderr).toMatch(/^departments\s+\d+\s+\d+\s+[\d.]+\s+done$/m)
    expect(sync.stderr).toMatch(/^members\s+0\s+\d+\s+[\d.]+\s+failed$/m)
    expect(sync.stderr).not.toMatch(/Maximum call stack|unexpected failure/)
    expect(hasStackTrace(sync.stderr)).toBe(false)
    expect(mode(database)).toBe(0o600)
    expect(mode(tmp.file("db"))).toBe(0o700)
  })

  it("a record whose invalid field holds personal data is reported by path and expected type, never the value", async () => {
    api.rules = [
      on("GET", "/v1/members", (_req, res) =>
        answer(res, 200, { items: [{ ...member(), date_of_birth: `1984-13-45 (SSN ${PLANTED_SSN})` }], next_cursor: null }))
    ]
    const result = await cli(["read", "--config", config("invalid-record.json"), "--catalog", catalog("members"), "--validation", "strict"])
    expect(result.code).toBe(1)
    const [trace] = errorTraces(messages(result.stdout))
    expect(trace!["trace"].error.message).toBe(
      `stream members (list_members): record id="${member()["id"]}": date_of_birth: Expected a date (YYYY-MM-DD)`
    )
    // by default (warn) the record is kept, and the problem said once, as where and what was expected
    api.rules = [
      on("GET", "/v1/members", (_req, res) =>
        answer(res, 200, { items: [{ ...member(), date_of_birth: "sometime in 1984" }], next_cursor: null }))
    ]
    const kept = await cli(["read", "--config", config("invalid-record-warn.json"), "--catalog", catalog("members")])
    expect(kept.code).toBe(0)
    const logs = messages(kept.stdout).filter((m) => m["type"] === "LOG").map((m) => m["log"])
    expect(logs).toContainEqual({ level: "WARN", message: "stream members: 1 record kept that does not match the schema: date_of_birth: Expected a date (YYYY-MM-DD)" })
    expect(logs.map((l) => l.message).join("\n")).not.toContain("sometime in 1984")
  })

  it("a 100 MB response fails at max_body_size with the CLI's memory under 300 MB; the other stream completes", async () => {
    const chunk = Buffer.from(`${JSON.stringify(member())},`.repeat(64)) // ~60 KB
    let sent = 0
    api.rules = [
      on("GET", "/v1/members", (_req, res) => {
        // chunked (no length announced): the CLI must count as it reads
        res.writeHead(200, { "content-type": "application/json" })
        res.write('{"items":[')
        const next = () => {
          while (sent < 100 * 1024 * 1024) {
            if (res.destroyed) return
            sent += chunk.length
            if (!res.write(chunk)) return void res.once("drain", next)
          }
          res.end(`${JSON.stringify(member())}],"next_cursor":null}`)
        }
        next()
      })
    ]
    const rssFile = tmp.file("peak-rss.txt")
    const result = await cli(["read", "--config", config("huge.json"), "--catalog", catalog("members", "departments")], {
      env: { NODE_OPTIONS: `--require ${peakRssProbe(rssFile)}` }
    })
    expect(result.code).toBe(1)
    const ms = messages(result.stdout)
    expect(errorTraces(ms)[0]!["trace"].error.message).toBe(
      "list_members: response to GET /v1/members refused: the response body is larger than 64 MiB (defaults.requester.max_body_size)"
    )
    expect(statusesOf(ms, "departments")).toEqual(["STARTED", "RUNNING", "COMPLETE"])
    const peakMiB = Number(readFileSync(rssFile, "utf8")) / 1024
    expect(peakMiB).toBeGreaterThan(0)
    expect(peakMiB).toBeLessThan(300)
  }, 60_000)

  it("an action answer of the wrong shape fails with a clear error instead of being printed", async () => {
    api.rules = [on("GET", "/v1/company", (_req, res) => answer(res, 200, { ...mock.store.company(), id: 42 }))]
    refused(
      await cli(["action", "get_company", "--config", config("wrong-shape.json")]),
      /^justworks-connector: action get_company: the API's answer does not match the OpenAPI description at id: Expected a string$/
    )
  })

  it("sensitive fields are masked whatever their JSON type, unless --reveal", async () => {
    const id = mock.store.memberId(0)
    const input = ["--input", JSON.stringify({ member_id: id })]
    const masked = await cli(["action", "get_member_tax_id", "--config", config("tax.json"), ...input])
    expect(masked.code, masked.stderr).toBe(0)
    const revealed = await cli(["action", "get_member_tax_id", "--config", config("tax.json"), ...input, "--reveal"], { reveal: true })
    const ssn = (JSON.parse(revealed.stdout) as { US: { ssn: string } }).US.ssn
    expect(ssn).toMatch(/^\d{3}-?\d{2}-?\d{4}$/)
    expect(JSON.parse(masked.stdout)).toEqual({ US: { ssn: `***-**-${ssn.replace(/\D/g, "").slice(-4)}` } })
    revealedSsns.push(ssn)
    // an SSN sent as a number is not what the spec describes: refused, and not shown
    api.rules = [on("GET", `/v1/members/${id}/tax-id`, (_req, res) => answer(res, 200, { US: { ssn: NUMERIC_SSN } }))]
    refused(
      await cli(["action", "get_member_tax_id", "--config", config("tax.json"), ...input]),
      /^justworks-connector: action get_member_tax_id: the API's answer does not match the OpenAPI description at US\.ssn: Expected string$/
    )
    api.rules = []
    // the company's tax id is declared sensitive
    const company = await cli(["action", "get_company", "--config", config("tax.json")])
    expect(JSON.parse(company.stdout)).toMatchObject({ tax_id: "***" })
  })
})

const revealedSsns: Array<string> = []

describe("hostile command lines", () => {
  it("--log-level after the command works; an option given twice says so; help has no ANSI escapes on a pipe", async () => {
    const late = await cli(["check", "--config", config("late.json"), "--log-level", "debug"])
    expect(late.code, late.stderr).toBe(0)
    expect(messages(late.stdout).at(-1)!["connectionStatus"].status).toBe("SUCCEEDED")
    refused(await cli(["check", "--config", config("twice.json"), "--config", config("twice.json")]), /^justworks-connector: --config is given 2 times: give it once$/)
    for (const args of [["--help"], ["sync", "--help"]]) {
      // piped, with and without NO_COLOR
      for (const noColor of ["1", undefined]) {
        const help = await cli(args, { env: { NO_COLOR: noColor } })
        expect(help.code).toBe(0)
        expect(help.stdout).toMatch(/justworks-connector/)
        expect(help.stdout).not.toMatch(/\x1b\[/)
      }
    }
  })

  it("connect refuses a timeout of 0 or less", async () => {
    for (const timeout of ["0", "-5"]) {
      refused(
        await cli(["connect", "--client-id", mock.clientId, "--token-store", tmp.file("t.db"), "--base-url", api.url, "--timeout", timeout], {
          env: { JUSTWORKS_CLIENT_SECRET: mock.clientSecret }
        }),
        new RegExp(`--timeout must be at least 1 second, got ${timeout}$`)
      )
    }
  })
})

describe("files the connector creates", () => {
  it("connect's token store and the write journal are 0600; connecting an id again revokes its old tokens first", async () => {
    const store = tmp.file("store/tokens.db")
    const flags = ["--client-id", mock.clientId, "--token-store", store, "--base-url", api.url, "--authorize-url", `${api.url}/oauth/authorize`, "--preset", "deductions"]
    const connectEnv = { JUSTWORKS_CLIENT_SECRET: mock.clientSecret }
    for (const round of [1, 2]) {
      const port = await freePort()
      const child = spawnCli(["connect", ...flags, "--port", String(port)], { cwd: tmp.dir, env: { ...env, ...connectEnv } })
      let stderr = ""
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()))
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
      const printed = await waitForOutput(child.stdout, /Waiting for the browser/)
      if (round === 2) expect(printed).toMatch(/^Connection "default" exists: once the new authorization is granted, its old tokens are revoked/)
      mock.clearLog()
      const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+)/.exec(printed)![1]!
      const consent = await fetch(url, { redirect: "manual" })
      const page = await fetch(consent.headers.get("location")!)
      expect(await page.text()).toMatch(/^justworks-connector is connected/)
      expect(await exited).toBe(0)
      runs.push({ result: { code: 0, signal: null, stdout: printed, stderr }, reveal: false })
      const oauth = mock.requests.filter((r) => r.path === "/oauth/token" || r.path === "/v1/oauth/revoke").map((r) => r.path)
      expect(oauth).toEqual(round === 1 ? ["/oauth/token"] : ["/v1/oauth/revoke", "/v1/oauth/revoke", "/oauth/token"])
    }
    expect(mode(store)).toBe(0o600)
    expect(mode(tmp.file("store"))).toBe(0o700)

    // a batch write with a row that is invalid for carrying an SSN where an amount goes
    const rows = deductionRows(mock, 2)
    writeFileSync(tmp.file("rows.jsonl"), jsonLines([rows[0], { ...rows[1], amount: `SSN ${PLANTED_SSN}` }]))
    const journal = tmp.file("journal/writes.db")
    const written = await cli(["action", "create_deductions", "--config", config("writes.json"), "--input", `@${tmp.file("rows.jsonl")}`, "--partial", "--journal", journal])
    expect(written.code).toBe(1)
    expect(written.stderr).toMatch(/rows\.jsonl line 2: amount: Expected number$/m)
    expect(written.stdout.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(["invalid", "applied"])
    expect(mode(journal)).toBe(0o600)
    expect(mode(tmp.file("journal"))).toBe(0o700)
  }, 60_000)
})

describe("the outputs and files of every run", () => {
  it("hold no secret and no SSN, but in the --reveal output", () => {
    const secrets = new Set([mock.clientSecret, tokens.access_token, tokens.refresh_token, PASSPHRASE, USERINFO_PASSWORD])
    // every token the API saw, those of connect's connections included
    for (const request of mock.requests) if (request.token !== undefined) secrets.add(request.token)
    const ssns = [PLANTED_SSN, String(NUMERIC_SSN).replace(/^(\d{3})(\d{2})/, "$1-$2-"), ...revealedSsns]
    expect(revealedSsns).toHaveLength(1)
    expect(runs.length).toBeGreaterThan(25)
    const leaks: Array<string> = []
    const search = (where: string, text: string, allowSsn: boolean) => {
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${where}: a secret (${secret.slice(0, 4)}…)`)
      if (!allowSsn) for (const ssn of ssns) if (text.includes(ssn) || text.includes(ssn.replace(/-/g, ""))) leaks.push(`${where}: an SSN`)
    }
    runs.forEach(({ result, reveal }, i) => search(`run ${i + 1}`, `${result.stdout}\n${result.stderr}`, reveal))
    const files = filesUnder(tmp.dir).filter((f) => !/\.json$|\.jsonl$|\.cjs$/.test(f))
    expect(files.some((f) => f.endsWith(".db"))).toBe(true)
    // SQLite files as bytes (latin1 keeps every byte one character)
    for (const file of files) search(relative(tmp.dir, file), readFileSync(file).toString("latin1"), false)
    expect(leaks).toEqual([])
  })
})
