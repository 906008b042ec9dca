/** Test helpers: the project's real manifest and spec, read once. */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { parseSpec, type OpenApiSpec } from "../src/spec/OpenApiSpec.js"
import type { Connector } from "../src/model/Connector.js"
import { parseConnector } from "../src/model/loadConnector.js"

export const projectFile = (relative: string): string => fileURLToPath(new URL(`../${relative}`, import.meta.url))

export const manifestText = (): string => readFileSync(projectFile("connector.yaml"), "utf8")

export const specFile = "schemas/justworks.openapi.yaml"

export const loadSpec = (): OpenApiSpec =>
  Effect.runSync(parseSpec(specFile, readFileSync(projectFile(specFile), "utf8")))

/** The real connector.yaml, resolved; throws if it is rejected. */
export const loadProjectConnector = (): Connector =>
  Effect.runSync(parseConnector("connector.yaml", manifestText(), loadSpec()))
