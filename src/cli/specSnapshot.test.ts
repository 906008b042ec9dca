/**
 * `spec` alone answers from the SPEC line the build saved (`dist/spec-message.json`): the same bytes the full
 * command line prints, and only while the connector.yaml found is the one it was made from.
 */
import { spawn, spawnSync } from "node:child_process"
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, repoRoot, runCli, tempDir } from "../../test-support/cliHarness.js"

let tmp: ReturnType<typeof tempDir>
beforeAll(async () => {
  tmp = tempDir()
  await ensureBuilt()
}, 120_000)
afterAll(() => tmp?.cleanup())

describe("spec from the saved line", () => {
  it("prints what the full command line prints", async () => {
    const saved = await runCli(["spec"])
    // any other argument goes through the command line
    const full = await runCli(["--log-level", "warning", "spec"])
    expect(saved.code).toBe(0)
    expect(full.code).toBe(0)
    expect(saved.stdout).toBe(full.stdout)
    expect(saved.stdout).toBe((JSON.parse(readFileSync(join(repoRoot, "dist", "spec-message.json"), "utf8")) as { line: string }).line)
  })

  it("a reader that goes away before the line is written: exit 0, nothing on stderr", async () => {
    // the read end is closed at once, long before the process has started and writes
    const child = spawn(process.execPath, [join(repoRoot, "dist", "justworks-connector.mjs"), "spec"], { stdio: ["ignore", "pipe", "pipe"] })
    child.stdout.destroy()
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve))
    expect(stderr).toBe("")
    expect(code).toBe(0)
  })

  it("a changed connector.yaml is read, not the saved line", async () => {
    const copy = tmp.file("package")
    for (const part of ["dist", "schemas"]) cpSync(join(repoRoot, part), join(copy, part), { recursive: true })
    symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"))
    const manifest = readFileSync(join(repoRoot, "connector.yaml"), "utf8")
    const changed = manifest.replace(/docs_url: .*/, "docs_url: https://example.com/changed-docs")
    expect(changed).not.toBe(manifest)
    writeFileSync(join(copy, "connector.yaml"), changed)
    const result = spawnSync(process.execPath, [join(copy, "dist", "justworks-connector.mjs"), "spec"], { cwd: copy, encoding: "utf8" })
    expect(result.status, result.stderr).toBe(0)
    expect((JSON.parse(result.stdout) as { spec: { documentationUrl: string } }).spec.documentationUrl).toBe("https://example.com/changed-docs")
  })
})
