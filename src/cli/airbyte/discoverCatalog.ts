/**
 * The CATALOG of a connection: every stream its scopes can read, each with the record schema its scopes
 * grant (member fields behind member.dob:read and the like are left out without them), sync modes, cursor
 * and primary key.
 */
import type { Connector, StreamModel } from "../../model/Connector.js"
import { readableStreams } from "../../model/readableStreams.js"
import type { AirbyteStream } from "./AirbyteMessage.js"

export const airbyteStream = (connector: Connector, stream: StreamModel, granted: ReadonlyArray<string>): AirbyteStream => {
  const cursor = stream.cursor?.field
  return {
    name: stream.name,
    json_schema: connector.records.jsonSchema(stream.name, granted),
    supported_sync_modes: stream.syncModes,
    ...(cursor === undefined ? {} : { source_defined_cursor: true, default_cursor_field: [cursor], is_resumable: true }),
    ...(stream.primaryKey.length === 0 ? {} : { source_defined_primary_key: stream.primaryKey.map((k) => [k]) })
  }
}

export const discoverCatalog = (connector: Connector, granted: ReadonlyArray<string>): Array<AirbyteStream> =>
  readableStreams(connector, granted).map((s) => airbyteStream(connector, s, granted))
