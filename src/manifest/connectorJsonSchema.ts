/** The editor JSON Schema of `connector.yaml`, generated from the Manifest schema (its YAML side). */
import { JSONSchema } from "effect"
import { Manifest } from "./Manifest.js"

export const connectorJsonSchema = (): string => {
  const schema = JSONSchema.make(Manifest, { target: "jsonSchema2019-09" })
  return `${JSON.stringify({ ...schema, title: "justworks-connector manifest (connector.yaml)" }, null, 2)}\n`
}

/** Where the generated file lives, relative to the project root. */
export const connectorJsonSchemaFile = "schemas/connector.schema.json"
