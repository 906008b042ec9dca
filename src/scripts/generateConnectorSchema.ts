/**
 * `npm run gen:schema`: rewrite what is generated from the manifest: schemas/connector.schema.json (from the
 * Manifest schema), src/generated/manifestNames.ts (from connector.yaml) and src/generated/records.ts (the
 * record, action input and response types, from the OpenAPI description and connector.yaml).
 */
import { NodeContext } from "@effect/platform-node"
import { writeFileSync } from "node:fs"
import { Effect } from "effect"
import { connectorJsonSchema, connectorJsonSchemaFile } from "../manifest/connectorJsonSchema.js"
import { loadConnector } from "../model/loadConnector.js"
import { manifestNamesFile, manifestNamesSource } from "../model/manifestNames.js"
import { recordTypesFile, recordTypesSource } from "../model/recordTypes.js"

writeFileSync(connectorJsonSchemaFile, connectorJsonSchema())
console.log(`wrote ${connectorJsonSchemaFile}`)
const connector = await Effect.runPromise(loadConnector("connector.yaml").pipe(Effect.provide(NodeContext.layer)))
writeFileSync(manifestNamesFile, manifestNamesSource(connector))
console.log(`wrote ${manifestNamesFile}`)
writeFileSync(recordTypesFile, recordTypesSource(connector))
console.log(`wrote ${recordTypesFile}`)
