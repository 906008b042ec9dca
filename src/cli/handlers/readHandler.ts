/**
 * `read`: the configured streams as RECORD, STATE, LOG and TRACE messages on stdout. Config, catalog and
 * state are checked before anything is read.
 */
import { Effect, Option } from "effect"
import { AuthorizedConnection } from "../../auth/AuthorizedConnection.js"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import type { StreamState } from "../../runtime/StreamReader.js"
import { loadCatalog } from "../airbyte/ConfiguredCatalog.js"
import { checkCursors, loadState } from "../airbyte/InputState.js"
import { runStreams } from "../../driver/runStreams.js"
import { airbyteSink } from "../airbyte/airbyteSink.js"
import { AirbyteOutput } from "../airbyte/AirbyteOutput.js"
import { CommandFailed } from "../CommandFailed.js"
import { keepRecordText } from "../../json/recordText.js"
import { ConnectionInfo } from "../ConnectionInfo.js"

export const readHandler = (args: { readonly catalog: string; readonly state: Option.Option<string> }) =>
  Effect.gen(function*() {
    const loaded = yield* ConnectorModel
    const info = yield* ConnectionInfo
    const connection = yield* Effect.flatMap(AuthorizedConnection, (c) => c.current)
    const catalog = yield* loadCatalog(args.catalog, loaded, connection.grantedScopes)
    const streams = catalog.streams
    for (const note of catalog.notes) yield* Effect.logInfo(note)
    const state = Option.isSome(args.state) ? yield* loadState(args.state.value) : new Map<string, StreamState>()
    if (Option.isSome(args.state)) yield* checkCursors(args.state.value, state, streams, loaded)
    const plan = streams.map(({ stream, incremental }) => {
      const saved = state.get(stream.name)
      const cursor = incremental ? saved?.cursor : undefined
      const resuming = saved?.resume === undefined ? "" : ", resuming a read under way"
      return `${stream.name} (${incremental ? `incremental${cursor === undefined ? "" : ` from ${cursor}`}` : "full refresh"}${resuming})`
    })
    yield* Effect.logInfo(`reading ${streams.length} streams with ${info.description}: ${plan.join(", ")}`)
    const results = yield* runStreams({
      streams: streams.map(({ stream, incremental }) => ({ stream, incremental, state: state.get(stream.name) })),
      startDate: info.startDate,
      concurrency: loaded.concurrency.streams
    }, airbyteSink(yield* AirbyteOutput)).pipe(
      // records pass through to stdout unchanged: their text is written as the API sent it
      Effect.locally(keepRecordText, true)
    )
    const failed = results.filter((r) => !r.ok).map((r) => r.stream)
    if (failed.length > 0) {
      return yield* new CommandFailed({
        reason: "StreamsIncomplete",
        message: `${failed.length} of ${streams.length} streams did not complete: ${failed.join(", ")}`
      })
    }
  })
