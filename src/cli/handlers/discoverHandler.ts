/** `discover`: the CATALOG of the streams (and member fields) the connection's scopes allow. */
import { Effect } from "effect"
import { AuthorizedConnection } from "../../auth/AuthorizedConnection.js"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import { AirbyteOutput } from "../airbyte/AirbyteOutput.js"
import { discoverCatalog } from "../airbyte/discoverCatalog.js"

export const discoverHandler = Effect.gen(function*() {
  const loaded = yield* ConnectorModel
  const connection = yield* Effect.flatMap(AuthorizedConnection, (c) => c.current)
  const output = yield* AirbyteOutput
  yield* output.emit([{ type: "CATALOG", catalog: { streams: discoverCatalog(loaded, connection.grantedScopes) } }])
})
