#!/usr/bin/env node
/**
 * The `justworks-connector` executable. `spec` alone prints the SPEC message the build wrote beside the bundle
 * (`dist/spec-message.json`, made by the full command line at build time), when the connector.yaml found is the
 * one it was made from: a platform polls `spec` often, and it then starts in the time of a bare Node process.
 * Everything else (and `spec` when the file is missing or the manifest changed) runs the command line, bundled
 * beside this file as one CommonJS file (`cli.cjs`, from `main.ts`) that starts from V8's code cache
 * (`bundleLoader.ts`).
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { findManifestFile } from "../model/manifestFile.js"
import { runBundle } from "./bundleLoader.js"

const specMessageFile = "spec-message.json"

const snapshotSpec = (): boolean => {
  if (process.argv.length !== 3 || process.argv[2] !== "spec") return false
  try {
    const saved = JSON.parse(readFileSync(new URL(`./${specMessageFile}`, import.meta.url), "utf8")) as { manifestSha256?: unknown; line?: unknown }
    const manifest = readFileSync(findManifestFile())
    if (typeof saved.line !== "string" || saved.manifestSha256 !== createHash("sha256").update(manifest).digest("hex")) return false
    // a reader that went away (`spec | true`) takes nothing more: no error, as with the full command line
    process.stdout.on("error", () => {})
    process.stdout.write(saved.line)
    return true
  } catch {
    return false
  }
}

if (!snapshotSpec()) runBundle(fileURLToPath(new URL("./cli.cjs", import.meta.url)))
