/**
 * Part of `npm run build`: write `dist/parsed-documents.json`, the packaged connector.yaml and the OpenAPI
 * description it names, parsed (see `src/spec/documentSnapshot.ts`).
 */
import { readFileSync, writeFileSync } from "node:fs"
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
