/**
 * The build-time snapshot of the packaged documents: what it holds, that a load through it gives what parsing
 * the YAML gives, and that anything else (another text, a broken manifest) still goes through the YAML with
 * its line numbers.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { ensureBuilt } from "../../test-support/cliHarness.js"
import { parseConnector } from "../model/loadConnector.js"
import { manifestText, projectFile, specFile } from "../../test-support/projectManifest.js"
import { makeSnapshot, parseYamlValue, resetSnapshot, snapshotValue } from "./documentSnapshot.js"
import { parseSpec } from "./OpenApiSpec.js"

const manifest = manifestText()
const specText = readFileSync(projectFile(specFile), "utf8")

const load = (text: string) =>
  Effect.flatMap(parseSpec(specFile, specText), (spec) => parseConnector("connector.yaml", text, spec))

afterEach(() => resetSnapshot())

describe("document snapshot", () => {
  it("the build writes the packaged manifest and OpenAPI description, parsed", async () => {
    await ensureBuilt()
    resetSnapshot() // the real one, read from dist/
    expect(snapshotValue(manifest)).toEqual(parseYamlValue(manifest))
    expect(snapshotValue(specText)).toEqual(parseYamlValue(specText))
  }, 120_000)

  it("a text the snapshot does not hold (one character changed) is not found", () => {
    resetSnapshot(makeSnapshot([manifest]))
    expect(snapshotValue(manifest)).toBeDefined()
    expect(snapshotValue(manifest.replace("connector:", "connector: "))).toBeUndefined()
  })

  it("documents that do not parse, or whose value is not plain JSON, are left out", () => {
    const snapshot = makeSnapshot(["a: [1, 2", "limit: .inf", "a: 1\na: 2", "ok: true"])
    expect(Object.keys(snapshot.documents)).toHaveLength(1)
    resetSnapshot(snapshot)
    expect(snapshotValue("ok: true")).toEqual({ ok: true })
  })

  it("each lookup is a fresh copy: a caller changing it changes nothing for the next", () => {
    resetSnapshot(makeSnapshot(["list: [1, 2]"]))
    ;(snapshotValue("list: [1, 2]") as { list: Array<number> }).list.push(3)
    expect(snapshotValue("list: [1, 2]")).toEqual({ list: [1, 2] })
  })

  it.effect("loading through the snapshot gives the manifest and spec that parsing the YAML gives", () =>
    Effect.gen(function*() {
      resetSnapshot({ documents: {} })
      const parsed = yield* load(manifest)
      resetSnapshot(makeSnapshot([manifest, specText]))
      const snapshotted = yield* load(manifest)
      expect(snapshotted.streams).toEqual(parsed.streams)
      expect(snapshotted.actions).toEqual(parsed.actions)
      expect(snapshotted.spec.document).toEqual(parsed.spec.document)
      expect(snapshotted.records.jsonSchema("members")).toEqual(parsed.records.jsonSchema("members"))
    }))

  it.effect("the loader takes the value from the snapshot when the text matches", () =>
    Effect.gen(function*() {
      const snapshot = makeSnapshot([manifest])
      const [key] = Object.keys(snapshot.documents)
      const value = JSON.parse(snapshot.documents[key!]!) as { connector: { description: string } }
      value.connector.description = "from the snapshot"
      resetSnapshot({ documents: { [key!]: JSON.stringify(value) } })
      const loaded = yield* load(manifest)
      expect(loaded.description).toBe("from the snapshot")
    }))

  it.effect("a broken manifest held by the snapshot is still reported with its line and column", () =>
    Effect.gen(function*() {
      const broken = manifest.replace("parent: { stream: payrolls", "parent: { stream: payrollz")
      expect(broken).not.toBe(manifest)
      resetSnapshot(makeSnapshot([broken, specText]))
      expect(snapshotValue(broken)).toBeDefined()
      const error = yield* Effect.flip(load(broken))
      if (!("problems" in error)) throw new Error(`expected a manifest error, got ${error.message}`)
      const line = broken.slice(0, broken.indexOf("payrollz")).split("\n").length
      expect(error.problems.some((p) => p.line === line && /payrollz/.test(p.message))).toBe(true)
    }))
})
