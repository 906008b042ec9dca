/**
 * The CATALOG of a connection: every stream its scopes can read, each with the record schema its scopes
 * grant (member fields behind member.dob:read and the like are left out without them), written for
 * destinations (self-contained, nullable as a type list, dates and date-times as formats), sync modes, cursor
 * and primary key.
 */
import type { Connector, StreamModel } from "../../model/Connector.js"
import { readableStreams } from "../../model/readableStreams.js"
import type { AirbyteStream } from "./AirbyteMessage.js"

export const airbyteStream = (connector: Connector, stream: StreamModel, granted: ReadonlyArray<string>): AirbyteStream => {
  const cursor = stream.cursorField
  return {
    name: stream.name,
    json_schema: connector.records.catalogSchema(stream.name, granted),
    supported_sync_modes: stream.syncModes,
    // a child following its parent's cursor has none of its own to name
    ...(stream.cursor === undefined ? {} : { source_defined_cursor: true }),
    ...(cursor === undefined ? {} : { default_cursor_field: [cursor] }),
    // a read stopped part way resumes from its last checkpoint, full refresh included
    is_resumable: stream.cursor !== undefined || stream.paginator !== undefined || stream.partitioning._tag !== "None",
    ...(stream.primaryKey.length === 0 ? {} : { source_defined_primary_key: stream.primaryKey.map((k) => [k]) })
  }
}

export const discoverCatalog = (connector: Connector, granted: ReadonlyArray<string>): Array<AirbyteStream> =>
  readableStreams(connector, granted).map((s) => airbyteStream(connector, s, granted))
