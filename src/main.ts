/**
 * `npm start`: validate connector.yaml against the OpenAPI description and print the connector's summary.
 * A rejected manifest prints its problems (file:line:column, path, reason) and exits non-zero.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { loadConnector } from "./model/loadConnector.js"
import { summarizeConnector } from "./model/summarize.js"

const file = process.argv[2] ?? "connector.yaml"

const program = loadConnector(file).pipe(
  Effect.flatMap((connector) => Console.log(summarizeConnector(connector))),
  Effect.catchTag("ManifestError", (error) =>
    Console.error(error.message).pipe(Effect.zipRight(Effect.sync(() => (process.exitCode = 1)))))
)

NodeRuntime.runMain(program.pipe(Effect.provide(NodeContext.layer)), { disableErrorReporting: true })
