/**
 * The CATALOG of a connection: every stream its scopes can read, each with the record schema its scopes
 * grant (member fields behind member.dob:read and the like are left out without them), sync modes, cursor
 * and primary key.
 */
import type { LoadedManifest } from "../../manifest/loadManifest.js"
import type { StreamDefinition } from "../../manifest/streams.js"
import { readableStreams } from "../../sync/readableStreams.js"
import type { AirbyteStream } from "./AirbyteMessage.js"

/** The cursor field of a stream read incrementally, if it is. */
export const cursorField = (stream: StreamDefinition): string | undefined =>
  stream.derivedFrom === undefined ? stream.endpoint.incremental?.cursor_field : undefined

export const airbyteStream = (loaded: LoadedManifest, stream: StreamDefinition, granted: ReadonlyArray<string>): AirbyteStream => {
  const cursor = cursorField(stream)
  return {
    name: stream.name,
    json_schema: loaded.records.jsonSchema(stream.name, granted),
    supported_sync_modes: cursor === undefined ? ["full_refresh"] : ["full_refresh", "incremental"],
    ...(cursor === undefined ? {} : { source_defined_cursor: true, default_cursor_field: [cursor], is_resumable: true }),
    ...(stream.primaryKey.length === 0 ? {} : { source_defined_primary_key: stream.primaryKey.map((k) => [k]) })
  }
}

export const discoverCatalog = (loaded: LoadedManifest, granted: ReadonlyArray<string>): Array<AirbyteStream> =>
  readableStreams(loaded.manifest, granted).map((s) => airbyteStream(loaded, s, granted))
