/**
 * Part of `npm run build`: write `dist/parsed-documents.json`, the packaged connector.yaml and the OpenAPI
 * description it names, parsed (see `src/spec/documentSnapshot.ts`); and `dist/spec-message.json`, the SPEC
 * line the built command line prints, with the hash of the connector.yaml it was made from (`src/cli/entry.ts`);
 * and, from that same run, `dist/cli.cjs.cache`, the command line's compiled code (`src/cli/bundleLoader.ts`).
 */
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { cacheFileOf, writeCacheVariable } from "../cli/bundleLoader.js"
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

// the SPEC line of the full command line (the saved one removed first: it would answer instead); the run saves
// the code it compiled for the starts to come
const specOut = join(root, "dist", "spec-message.json")
const codeCache = cacheFileOf(join(root, "dist", "cli.cjs"))
rmSync(specOut, { force: true })
rmSync(codeCache, { force: true })
const line = execFileSync(process.execPath, [join(root, "dist", "justworks-connector.mjs"), "spec"], {
  encoding: "utf8",
  env: { ...process.env, [writeCacheVariable]: "1" }
})
if (!line.startsWith(`{"type":"SPEC"`) || !line.endsWith("\n") || line.indexOf("\n") !== line.length - 1) {
  throw new Error(`spec printed something else than one SPEC line: ${line.slice(0, 200)}`)
}
writeFileSync(specOut, JSON.stringify({ manifestSha256: createHash("sha256").update(readFileSync(manifestFile)).digest("hex"), line }))
console.log(`wrote ${specOut}`)
if (!existsSync(codeCache)) throw new Error(`the command line saved no code cache (${codeCache})`)
console.log(`wrote ${codeCache}`)
