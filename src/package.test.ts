/**
 * The npm package as a consumer gets it: `npm pack`, the tarball unpacked into a fresh project's node_modules
 * (its dependencies linked from this repository's, so no registry is needed), then imported from a plain
 * `.mjs` under `node` (no TypeScript loader) to read members from the packaged mock, and type-checked from a
 * strict NodeNext TypeScript project: typed records compile, a field a member does not have does not.
 */
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, repoRoot } from "../test-support/cliHarness.js"

const run = promisify(execFile)

const packageJson = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  readonly name: string
  readonly dependencies: Readonly<Record<string, string>>
}

let dir: string
let consumer: string
let packed: ReadonlyArray<string>

/** A command's exit code and output, failing or not. */
const outcome = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  run(command, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" })
  )

beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), "justworks-package-"))
  // the build is what ships: no prepare script runs again here
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 })
  const [report] = JSON.parse(stdout) as Array<{ readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }>
  packed = report!.files.map((f) => f.path)

  consumer = join(dir, "consumer")
  const installed = join(consumer, "node_modules", packageJson.name)
  mkdirSync(installed, { recursive: true })
  await run("tar", ["-xzf", join(dir, report!.filename), "-C", installed, "--strip-components=1"])
  // what npm would install beside it, taken from this repository's node_modules
  for (const name of [...Object.keys(packageJson.dependencies), "@types/node"]) {
    const link = join(consumer, "node_modules", name)
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(join(repoRoot, "node_modules", name), link, "dir")
  }
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
}, 300_000)

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

describe("the npm package", () => {
  it("ships the compiled library, its declarations, the command line and the LICENSE; no sources, tests or test support", () => {
    expect(packed).toEqual(expect.arrayContaining([
      "LICENSE",
      "README.md",
      "package.json",
      "connector.yaml",
      "schemas/justworks.openapi.yaml",
      "docs/cli.md",
      "docs/manifest.md",
      "docs/architecture.md",
      "dist/justworks-connector.mjs",
      "dist/parsed-documents.json",
      "dist/lib/index.js",
      "dist/lib/mocks.js",
      "dist/types/src/index.d.ts",
      "dist/types/mocks/index.d.ts"
    ]))
    const unwanted = packed.filter((path) => /(^|\/)[^/]*\.test\.|^test-support\/|^contract-tests\/|^bench\/|^src\/|^mocks\/|\.ts$(?<!\.d\.ts)/.test(path))
    expect(unwanted).toEqual([])
    expect(readFileSync(join(consumer, "node_modules", packageJson.name, "LICENSE"), "utf8")).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/)
  })

  it("imports under plain node and reads members from the packaged mock", async () => {
    writeFileSync(join(consumer, "main.mjs"), `
import { Effect, Redacted, Stream } from "effect"
import { Justworks } from "${packageJson.name}"
import { startMockServer } from "${packageJson.name}/mocks"

const mock = await startMockServer({ members: 12, payrollMonths: 1 })
try {
  const { access_token, refresh_token } = mock.issueTokens(mock.scopes)
  const program = Effect.gen(function*() {
    const justworks = yield* Justworks
    const members = yield* Stream.runCollect(justworks.stream("members"))
    const company = yield* justworks.action("get_company")
    return { members: members.length, ids: [...members].every((m) => typeof m.id === "string"), company: company.id }
  })
  const result = await Effect.runPromise(program.pipe(Effect.provide(Justworks.layer({
    clientId: mock.clientId, clientSecret: Redacted.make(mock.clientSecret), baseUrl: mock.url,
    tokens: { accessToken: Redacted.make(access_token), refreshToken: Redacted.make(refresh_token) }
  }))))
  console.log(JSON.stringify({ ...result, expected: mock.store.company().id }))
} finally {
  await mock.close()
}
`)
    const result = await outcome(process.execPath, ["main.mjs"], consumer)
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout) as { members: number; ids: boolean; company: string; expected: string }
    expect(printed).toEqual({ members: 12, ids: true, company: printed.expected, expected: printed.expected })
  }, 60_000)

  it("type-checks a strict NodeNext consumer using the typed records; a wrong field access does not compile", async () => {
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc")
    const tsconfig = (file: string) => ({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, types: ["node"] },
      files: [file]
    })
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(tsconfig("good.ts")))
    writeFileSync(join(consumer, "tsconfig.bad.json"), JSON.stringify(tsconfig("bad.ts")))
    writeFileSync(join(consumer, "good.ts"), `
import { Effect, Stream } from "effect"
import { Justworks, type Member, type Payroll } from "${packageJson.name}"

export const names = Effect.flatMap(Justworks, (justworks) =>
  Stream.runCollect(Stream.map(justworks.stream("members"), (member: Member) => \`\${member.id}: \${member.name?.given_name ?? "?"}\`)))
export const payDates = Effect.flatMap(Justworks, (justworks) =>
  Stream.runCollect(Stream.map(justworks.stream("payrolls"), (payroll: Payroll) => payroll.id)))
export const one = Effect.flatMap(Justworks, (justworks) => justworks.action("get_member", { member_id: "m-1" }))
export const id: Effect.Effect<string, unknown, Justworks> = Effect.map(one, (member) => member.id)
`)
    writeFileSync(join(consumer, "bad.ts"), `
import { Effect, Stream } from "effect"
import { Justworks } from "${packageJson.name}"

export const salaries = Effect.flatMap(Justworks, (justworks) =>
  Stream.runCollect(Stream.map(justworks.stream("members"), (member) => member.salary)))
`)
    const [good, bad] = await Promise.all([
      outcome(process.execPath, [tsc, "-p", "tsconfig.json"], consumer),
      outcome(process.execPath, [tsc, "-p", "tsconfig.bad.json"], consumer)
    ])
    expect(good.stdout + good.stderr).toBe("")
    expect(good.code).toBe(0)
    expect(bad.code).not.toBe(0)
    expect(bad.stdout).toMatch(/bad\.ts\(\d+,\d+\): error TS2339: Property 'salary' does not exist on type 'Member'/)
  }, 180_000)
})
