/** Test helpers: the project's real manifest and spec, read once. */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { parseSpec, type OpenApiSpec } from "../src/spec/OpenApiSpec.js"
import { parseManifest, type LoadedManifest } from "../src/manifest/loadManifest.js"

export const projectFile = (relative: string): string => fileURLToPath(new URL(`../${relative}`, import.meta.url))

export const manifestText = (): string => readFileSync(projectFile("connector.yaml"), "utf8")

export const specFile = "schemas/justworks.openapi.yaml"

export const loadSpec = (): OpenApiSpec =>
  Effect.runSync(parseSpec(specFile, readFileSync(projectFile(specFile), "utf8")))

/** The real connector.yaml, parsed and checked; throws if it is rejected. */
export const loadProjectManifest = (): LoadedManifest =>
  Effect.runSync(parseManifest("connector.yaml", manifestText(), loadSpec()))
