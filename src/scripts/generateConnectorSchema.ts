/**
 * `npm run gen:schema`: rewrite what is generated from the manifest: schemas/connector.schema.json (from the
 * Manifest schema) and src/generated/manifestNames.ts (from connector.yaml).
 */
import { NodeContext } from "@effect/platform-node"
import { writeFileSync } from "node:fs"
import { Effect } from "effect"
import { connectorJsonSchema, connectorJsonSchemaFile } from "../manifest/connectorJsonSchema.js"
import { loadConnector } from "../model/loadConnector.js"
import { manifestNamesFile, manifestNamesSource } from "../model/manifestNames.js"

writeFileSync(connectorJsonSchemaFile, connectorJsonSchema())
console.log(`wrote ${connectorJsonSchemaFile}`)
const connector = await Effect.runPromise(loadConnector("connector.yaml").pipe(Effect.provide(NodeContext.layer)))
writeFileSync(manifestNamesFile, manifestNamesSource(connector))
console.log(`wrote ${manifestNamesFile}`)
