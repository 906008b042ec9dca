/**
 * docs/cli.md cannot fall behind the command line: every command the built CLI's help lists has a section of
 * its own, and each of its flags is written there (or in a section that section links to, where shared flags
 * are described once), as are the options every command takes.
 */
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { ensureBuilt, runCli } from "../../test-support/cliHarness.js"
import { projectFile } from "../../test-support/projectManifest.js"

const docs = readFileSync(projectFile("docs/cli.md"), "utf8")

/** `## Heading` → its text up to the next `## `, by the heading's GitHub anchor. */
const sections = new Map(
  docs.split(/^(?=## )/m).filter((part) => part.startsWith("## ")).map((part) => {
    const heading = part.slice(3, part.indexOf("\n")).trim()
    return [heading.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-"), part] as const
  })
)

/** A section with the sections it links to (`](#anchor)`). */
const withLinked = (anchor: string): string => {
  const own = sections.get(anchor) ?? ""
  const linked = [...own.matchAll(/\]\(#([a-z0-9-]+)\)/g)].map(([, target]) => sections.get(target!) ?? "")
  return [own, ...linked].join("\n")
}

const flagsOf = (usage: string) => [...new Set([...usage.matchAll(/--[a-z][a-z-]*/g)].map(([flag]) => flag))]

let help = ""
beforeAll(async () => {
  await ensureBuilt()
  const result = await runCli(["--help"])
  expect(result.code).toBe(0)
  help = result.stdout
}, 120_000)

describe("docs/cli.md", () => {
  it("has a section for every command, naming each of its flags", () => {
    const commands = [...help.matchAll(/^\s+- ([a-z-]+)(.*)$/gm)].map(([, name, rest]) => ({ name: name!, usage: rest!.trim() }))
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(["sync", "read", "action", "connect"]))
    const missing = commands.flatMap(({ name, usage }) => {
      if (!sections.has(name)) return [`no section "## ${name}"`]
      const text = withLinked(name)
      return flagsOf(usage).filter((flag) => !text.includes(`\`${flag}`)).map((flag) => `${name} ${flag}`)
    })
    expect(missing).toEqual([])
  })

  it("describes the options every command takes", () => {
    const options = help.slice(help.indexOf("OPTIONS"), help.indexOf("COMMANDS"))
    const flags = flagsOf(options)
    expect(flags).toEqual(expect.arrayContaining(["--log-level", "--help"]))
    const conventions = sections.get("conventions") ?? ""
    expect(flags.filter((flag) => !conventions.includes(`\`${flag}`))).toEqual([])
  })
})
