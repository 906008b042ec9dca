/** `spec`: the SPEC message. Reads nothing but the connector section of connector.yaml (its docs URL). */
import { Effect } from "effect"
import { findManifestFile } from "../../config/manifestFile.js"
import { readConnectorIdentity } from "../../config/ManifestEssentials.js"
import { AirbyteOutput } from "../airbyte/AirbyteOutput.js"
import { connectorSpecification } from "../airbyte/connectorSpecification.js"

export const specHandler = Effect.gen(function*() {
  const output = yield* AirbyteOutput
  const { connector } = yield* readConnectorIdentity(findManifestFile())
  yield* output.emit([{ type: "SPEC", spec: connectorSpecification(connector.docs_url) }])
})
