/**
 * What `discover` advertises, what the summary prints and what the reader does all come from the one model,
 * so they agree, for every stream of the real connector.yaml: a stream advertised as incremental, read from a
 * state, ends on a cursor of its own; a stream advertised as full refresh reads everything whatever cursor it
 * is given, and keeps none.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { mockServer } from "../../mocks/mockServer.js"
import { connectorLayer, projectConnector } from "../../test-support/connectorLayer.js"
import { seedMockConnection } from "../../test-support/seedMockConnection.js"
import { airbyteStream } from "../cli/airbyte/discoverCatalog.js"
import { StreamReader, type ReadEvent } from "../runtime/StreamReader.js"
import { summarizeConnector } from "./summarize.js"

const allScopes = Object.keys(projectConnector.scopeGraph.scopes)
const startDate = "2024-01-01"

describe("discover, the summary and the reader agree", () => {
  const summary = summarizeConnector(projectConnector)

  for (const stream of projectConnector.streams) {
    it(`${stream.name}: ${stream.syncModes.join(" + ")}`, () =>
      Effect.gen(function*() {
        expect(airbyteStream(projectConnector, stream, allScopes).supported_sync_modes).toEqual(stream.syncModes)
        const row = summary.split("\n").find((line) => line.trim().startsWith(`${stream.name} `))
        expect(row, `the summary has a row for ${stream.name}`).toBeDefined()
        expect(row).toContain(stream.syncModes.join(", "))

        const mock = yield* mockServer({ members: 4, reportReadyAfterPolls: 0 })
        const events = yield* Effect.gen(function*() {
          yield* seedMockConnection(mock, "test")
          const reader = yield* StreamReader
          const read = (cursor: string | undefined) =>
            Effect.map(Stream.runCollect(reader.read(stream.name, { startDate, state: cursor === undefined ? undefined : { cursor } })), Chunk.toArray)
          const full = yield* read(undefined)
          const count = (events: ReadonlyArray<ReadEvent>) => events.reduce((n, e) => n + (e._tag === "Records" ? e.records.length : 0), 0)
          expect(count(full), `${stream.name} has records in the mock`).toBeGreaterThan(0)
          const fromState = yield* read("2000-01-01T00:00:00Z")
          return { full, fromState, count }
        }).pipe(Effect.provide(connectorLayer({ mock })))
        const checkpoints = events.fromState.filter((e) => e._tag === "Checkpoint")
        if (stream.syncModes.includes("incremental")) {
          expect(checkpoints.at(-1)?._tag === "Checkpoint" && checkpoints.at(-1)?.state.cursor, "ends on a state").toBeTruthy()
        } else {
          // a full refresh keeps no cursor: its last state is empty (a read under way keeps only its position)
          expect(checkpoints.map((c) => c._tag === "Checkpoint" && c.state.cursor)).toEqual(checkpoints.map(() => undefined))
          expect(checkpoints.at(-1)).toEqual({ _tag: "Checkpoint", stream: stream.name, state: {} })
          expect(events.count(events.fromState)).toBe(events.count(events.full))
        }
      }).pipe(Effect.scoped, Effect.runPromise))
  }
})
