/**
 * Test harness for the built command line: runs `dist/justworks-connector.mjs` as a subprocess (building it
 * first when it is missing or older than the sources), validates Airbyte messages against the published
 * protocol schema where it is present, and makes temporary directories and configs for a mock.
 */
import { Ajv } from "ajv"
import addFormats from "ajv-formats"
import { execFile, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import * as YAML from "yaml"
import { cliFile, libraryFile, repoRoot } from "./builtCli.js"

export { cliFile, libraryFile, repoRoot } from "./builtCli.js"

/**
 * The published Airbyte protocol (v0): `JUSTWORKS_AIRBYTE_PROTOCOL`, else beside the repository. A clone without
 * it checks each message's envelope only, and says so.
 */
export const airbyteProtocolFile = process.env["JUSTWORKS_AIRBYTE_PROTOCOL"] ||
  join(repoRoot, "..", "shared", "reference", "airbyte-protocol", "airbyte_protocol.yaml")

/** The newest modification time of the sources bundled (tests and dot-directories, e.g. scratch files of other tests, aside). */
const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    if (entry.name.startsWith(".")) return newest
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return Math.max(newest, newestSource(path))
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? Math.max(newest, statSync(path).mtimeMs) : newest
  }, 0)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const lockAge = (lock: string): number => {
  try {
    return Date.now() - statSync(lock).mtimeMs
  } catch {
    return 0
  }
}

/** Build the command line and the library unless both are newer than every source file; test files building at once take turns. */
export const ensureBuilt = async (): Promise<void> => {
  // outside dist/, which the build empties
  const lock = join(repoRoot, "node_modules", ".cache", "justworks-connector-build.lock")
  const fresh = () => {
    const newest = Math.max(newestSource(join(repoRoot, "src")), newestSource(join(repoRoot, "mocks")))
    return [cliFile, libraryFile].every((file) => existsSync(file) && statSync(file).mtimeMs >= newest)
  }
  mkdirSync(dirname(lock), { recursive: true })
  for (let waited = 0; !fresh(); waited += 200) {
    try {
      mkdirSync(lock)
    } catch {
      // a lock left by a run that was killed while building: a build takes well under this
      if (lockAge(lock) > 300_000) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      if (waited > 60_000) throw new Error("timed out waiting for another test file to build the CLI")
      await sleep(200)
      continue
    }
    try {
      if (!fresh()) await run("npm", ["run", "build", "--silent"], { cwd: repoRoot })
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
}

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

const run = (command: string, args: ReadonlyArray<string>, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  new Promise<CliResult>((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
      resolve({ code, signal: (error as { signal?: NodeJS.Signals } | null)?.signal ?? null, stdout, stderr })
    })
  })

/** Run the built CLI (asynchronously: the mock in this process keeps answering). */
export const runCli = (args: ReadonlyArray<string>, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> =>
  run(process.execPath, [cliFile, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: "1", ...options.env } })

/** Start the CLI and hand back the child, for tests that talk to it or signal it. */
export const spawnCli = (args: ReadonlyArray<string>, options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  spawn(process.execPath, [cliFile, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env } })

/** Resolves with everything the stream printed once it matches `pattern`. */
export const waitForOutput = (stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = ""
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString()
      if (pattern.test(text)) resolve(text)
    })
    stream.on("end", () => reject(new Error(`the output ended without matching ${pattern}: ${text}`)))
  })

/** A fresh temporary directory; `cleanup` removes it. */
export const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "justworks-cli-"))
  return { dir, file: (name: string) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export const writeJson = (path: string, value: unknown): string => {
  writeFileSync(path, JSON.stringify(value, null, 2))
  return path
}

/** The property each message type carries its body in. */
const messageBodies: Readonly<Record<string, string>> = {
  RECORD: "record",
  STATE: "state",
  LOG: "log",
  TRACE: "trace",
  SPEC: "spec",
  CONNECTION_STATUS: "connectionStatus",
  CATALOG: "catalog",
  CONTROL: "control"
}

/** Without the protocol schema: a known `type` and an object under the property it names. */
const envelopeProblem = (message: unknown): string | undefined => {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return "not an object"
  const type = (message as Record<string, unknown>)["type"]
  const body = typeof type === "string" ? messageBodies[type] : undefined
  if (body === undefined) return `unknown type ${JSON.stringify(type)}`
  const value = (message as Record<string, unknown>)[body]
  return typeof value === "object" && value !== null && !Array.isArray(value) ? undefined : `${type} without its ${body} object`
}

/**
 * A validator of AirbyteMessage: the protocol's definition where the schema is present (CI has it), else the
 * envelope of each message, with a note on stderr that the schema check was skipped.
 */
export const airbyteMessageValidator = () => {
  const ajv = new Ajv({ strict: false, allErrors: true })
  ;(addFormats as unknown as (a: Ajv) => void)(ajv)
  const compileSchema = (schema: object) => ajv.compile(schema)
  let problem: (message: unknown) => string | undefined = envelopeProblem
  if (existsSync(airbyteProtocolFile)) {
    const protocol = YAML.parse(readFileSync(airbyteProtocolFile, "utf8")) as { $id: string }
    ajv.addSchema(protocol)
    const validate = ajv.compile({ $ref: `${protocol.$id}#/definitions/AirbyteMessage` })
    problem = (message) => (validate(message) ? undefined : ajv.errorsText(validate.errors))
  } else {
    process.stderr.write(`Airbyte protocol schema not found at ${airbyteProtocolFile}: validation against it skipped (messages' envelopes checked only)\n`)
  }
  return {
    /** whether messages are checked against the published protocol schema */
    againstProtocol: problem !== envelopeProblem,
    /** the parsed messages; throws naming the first line that is not a valid AirbyteMessage */
    messages: (stdout: string): Array<Record<string, any>> =>
      stdout.split("\n").filter((line) => line !== "").map((line, i) => {
        let message: unknown
        try {
          message = JSON.parse(line)
        } catch {
          throw new Error(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`)
        }
        const wrong = problem(message)
        if (wrong !== undefined) throw new Error(`stdout line ${i + 1} is not an AirbyteMessage: ${wrong}\n${line.slice(0, 300)}`)
        return message as Record<string, any>
      }),
    compileSchema
  }
}

/** No stack trace: no "    at …" frames, no "Error:" dumps. */
export const hasStackTrace = (text: string): boolean => /\n\s+at .+\(.+:\d+:\d+\)|\n\s+at .+:\d+:\d+/.test(text)
