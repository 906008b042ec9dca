/** `npm run gen:schema`: rewrite schemas/connector.schema.json from the Manifest schema. */
import { writeFileSync } from "node:fs"
import { connectorJsonSchema, connectorJsonSchemaFile } from "../manifest/connectorJsonSchema.js"

writeFileSync(connectorJsonSchemaFile, connectorJsonSchema())
console.log(`wrote ${connectorJsonSchemaFile}`)
