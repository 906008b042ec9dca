/**
 * `spec`: the SPEC message. Reads only the sections of connector.yaml it describes (identity, OAuth settings,
 * scopes and presets, the base URL).
 */
import { Effect } from "effect"
import { findManifestFile } from "../../model/manifestFile.js"
import { readSpecEssentials } from "../../config/ManifestEssentials.js"
import { AirbyteOutput } from "../airbyte/AirbyteOutput.js"
import { connectorSpecification } from "../airbyte/connectorSpecification.js"

export const specHandler = Effect.gen(function*() {
  const output = yield* AirbyteOutput
  const manifest = yield* readSpecEssentials(findManifestFile())
  yield* output.emit([{ type: "SPEC", spec: connectorSpecification(manifest) }])
})
