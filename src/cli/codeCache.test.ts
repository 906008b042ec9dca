/**
 * The command line starts from the code its build compiled (`dist/cli.cjs.cache`, `bundleLoader.ts`), and only
 * when that code was made from the very bytes it runs: a changed bundle, even one of the same length (which V8
 * alone would take), a damaged or unreadable cache, or none, all compile the bundle as it is, with no error.
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, repoRoot, tempDir } from "../../test-support/cliHarness.js"
import { cacheFileOf, writeCacheVariable } from "./bundleLoader.js"

let tmp: ReturnType<typeof tempDir>
let driver: string
beforeAll(async () => {
  tmp = tempDir()
  // runs a bundle through the loader (argv: bundle, then the arguments the bundle sees) and says whether it took the cache
  driver = tmp.file("driver.ts")
  writeFileSync(
    driver,
    `import { runBundle } from ${JSON.stringify(pathToFileURL(join(repoRoot, "src", "cli", "bundleLoader.ts")).href)}
const bundle = process.argv[2]!
process.argv.splice(2, 1)
const { cacheUsed } = runBundle(bundle)
process.stderr.write(\`cacheUsed=\${cacheUsed}\\n\`)
`
  )
  await ensureBuilt()
}, 120_000)
afterAll(() => tmp?.cleanup())

const run = (bundle: string, args: ReadonlyArray<string> = [], env: Readonly<Record<string, string>> = {}) => {
  const result = spawnSync(process.execPath, ["--import", "tsx", driver, bundle, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, [writeCacheVariable]: "", ...env },
    timeout: 60_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** A bundle of its own in a fresh directory, with a cache made by running it once as the build does. */
const bundleWithCache = (name: string) => {
  const dir = tmp.file(name)
  mkdirSync(dir)
  const bundle = join(dir, "cli.cjs")
  writeFileSync(bundle, `"use strict";\nconst answer = (n) => "answer " + n;\nprocess.stdout.write(answer(41) + "\\n");\n`)
  const made = run(bundle, [], { [writeCacheVariable]: "1" })
  expect(made, made.stderr).toMatchObject({ code: 0, stdout: "answer 41\n" })
  return bundle
}

describe("the command line's code cache", () => {
  it("the build's cache was made from the built bundle, and the built command line starts from it", () => {
    const bundle = join(repoRoot, "dist", "cli.cjs")
    const head = readFileSync(cacheFileOf(bundle)).toString("latin1", 0, 120).split("\n")
    expect(head[1]).toBe(createHash("sha1").update(readFileSync(bundle)).digest("hex"))
    const result = run(bundle, ["--log-level", "warning", "spec"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe("cacheUsed=true\n")
    expect(result.stdout).toBe((JSON.parse(readFileSync(join(repoRoot, "dist", "spec-message.json"), "utf8")) as { line: string }).line)
  })

  it("a run takes the cache made from the same bytes", () => {
    const bundle = bundleWithCache("same")
    expect(run(bundle)).toEqual({ code: 0, stdout: "answer 41\n", stderr: "cacheUsed=true\n" })
  })

  it("a changed bundle of the same length runs as it is now, not from the cache", () => {
    const bundle = bundleWithCache("changed")
    const before = readFileSync(bundle, "utf8")
    const after = before.replace("answer(41)", "answer(42)")
    expect(after.length).toBe(before.length)
    writeFileSync(bundle, after)
    expect(run(bundle)).toEqual({ code: 0, stdout: "answer 42\n", stderr: "cacheUsed=false\n" })
  })

  it("a damaged, foreign, unreadable or missing cache is no error: the bundle compiles as usual", () => {
    const bundle = bundleWithCache("damaged")
    const cache = cacheFileOf(bundle)
    const good = readFileSync(cache)
    const headLength = good.indexOf("\n", good.indexOf("\n") + 1) + 1
    const cases: ReadonlyArray<readonly [string, () => void]> = [
      ["V8 data damaged", () => writeFileSync(cache, Buffer.concat([good.subarray(0, headLength), Buffer.alloc(good.length - headLength, 7)]))],
      ["head only", () => writeFileSync(cache, good.subarray(0, headLength))],
      ["another format", () => writeFileSync(cache, Buffer.concat([Buffer.from("something else\n"), good.subarray(headLength)]))],
      ["a directory", () => (rmSync(cache), mkdirSync(cache))],
      ["missing", () => rmSync(cache, { recursive: true })]
    ]
    for (const [what, damage] of cases) {
      damage()
      expect(run(bundle), what).toEqual({ code: 0, stdout: "answer 41\n", stderr: "cacheUsed=false\n" })
    }
  })

  it("a cache that cannot be saved fails the run that was asked to save it, naming the file", () => {
    const bundle = bundleWithCache("unwritable")
    const cache = cacheFileOf(bundle)
    rmSync(cache)
    mkdirSync(cache)
    writeFileSync(join(cache, "keep"), "")
    const result = run(bundle, [], { [writeCacheVariable]: "1" })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("answer 41\n")
    expect(result.stderr).toContain(`cannot save the code cache ${cache}`)
    // and the next run still starts, from no cache
    expect(run(bundle)).toEqual({ code: 0, stdout: "answer 41\n", stderr: "cacheUsed=false\n" })
  })
})
