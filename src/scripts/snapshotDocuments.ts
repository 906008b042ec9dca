/**
 * Part of `npm run build`: write `dist/parsed-documents.json`, the packaged connector.yaml and the OpenAPI
 * description it names, parsed (see `src/spec/documentSnapshot.ts`); and `dist/spec-message.json`, the SPEC
 * line the built command line prints, with the hash of the connector.yaml it was made from (`src/cli/entry.ts`).
 */
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeSnapshot, parseYamlValue, snapshotFileName } from "../spec/documentSnapshot.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const manifestFile = join(root, "connector.yaml")
const manifest = readFileSync(manifestFile, "utf8")
const named = (parseYamlValue(manifest) as { connector?: { spec?: unknown } } | undefined)?.connector?.spec
const specFile = join(dirname(manifestFile), typeof named === "string" ? named : "schemas/justworks.openapi.yaml")
const snapshot = makeSnapshot([manifest, readFileSync(specFile, "utf8")])
const out = join(root, "dist", snapshotFileName)
writeFileSync(out, JSON.stringify(snapshot))
console.log(`wrote ${out} (${Object.keys(snapshot.documents).length} documents)`)

// the SPEC line of the full command line (the saved one removed first: it would answer instead)
const specOut = join(root, "dist", "spec-message.json")
rmSync(specOut, { force: true })
const line = execFileSync(process.execPath, [join(root, "dist", "justworks-connector.mjs"), "spec"], { encoding: "utf8" })
if (!line.startsWith(`{"type":"SPEC"`) || !line.endsWith("\n") || line.indexOf("\n") !== line.length - 1) {
  throw new Error(`spec printed something else than one SPEC line: ${line.slice(0, 200)}`)
}
writeFileSync(specOut, JSON.stringify({ manifestSha256: createHash("sha256").update(readFileSync(manifestFile)).digest("hex"), line }))
console.log(`wrote ${specOut}`)
