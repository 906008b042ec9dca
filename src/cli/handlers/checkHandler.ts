/**
 * `check`: CONNECTION_STATUS from the healthchecks the granted scopes allow. A connection that cannot be used
 * (refused tokens, nothing to check) is FAILED with the reason; a bad config fails the command.
 */
import { Effect } from "effect"
import { Justworks } from "../../Justworks.js"
import { connectionStatus, log } from "../airbyte/AirbyteMessage.js"
import { AirbyteOutput } from "../airbyte/AirbyteOutput.js"
import { describeError } from "../describeError.js"
import { connectionVerdict, idleWarning } from "../healthSummary.js"

export const checkHandler = Effect.gen(function*() {
  const justworks = yield* Justworks
  const output = yield* AirbyteOutput
  const outcome = yield* justworks.healthcheck.pipe(
    Effect.map((report) => ({ ...connectionVerdict(report), warning: idleWarning(report) })),
    Effect.catchAll((error) => Effect.succeed({ ok: false, message: describeError(error).message, warning: undefined }))
  )
  yield* output.emit([
    ...(outcome.warning === undefined ? [] : [log("WARN", outcome.warning)]),
    connectionStatus(outcome.ok ? "SUCCEEDED" : "FAILED", outcome.message)
  ])
})
