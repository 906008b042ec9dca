/**
 * `healthcheck`: the manifest's healthchecks as a table (check, scope, status, detail), with a warning when
 * the connection has been idle long enough for its refresh token to be near death.
 */
import { Console, Effect } from "effect"
import { Justworks } from "../../Justworks.js"
import { AuthorizedConnection } from "../../auth/AuthorizedConnection.js"
import { CommandFailed } from "../CommandFailed.js"
import { ConnectionInfo } from "../ConnectionInfo.js"
import { idleWarning } from "../healthSummary.js"
import { renderTable } from "../renderTable.js"
import { colors } from "../terminal.js"

export const healthcheckHandler = (args: { readonly refresh: boolean }) =>
  Effect.gen(function*() {
    const info = yield* ConnectionInfo
    const justworks = yield* Justworks
    const connection = yield* AuthorizedConnection
    const c = colors(process.stdout)
    if (args.refresh) {
      const renewed = yield* connection.refreshNow
      yield* Console.log(`Refreshed: the access token is valid until ${renewed.accessTokenExpiresAt.toISOString()}.`)
    }
    const report = yield* justworks.healthcheck
    const status = { passed: c.green, failed: c.red, skipped: c.dim }
    yield* Console.log(`Healthchecks of ${info.description}:\n`)
    yield* Console.log(renderTable(
      ["check", "scope", "status", "detail"],
      report.checks.map((check) => [check.name, check.scopes.join(", "), check.status, check.detail]),
      { style: (cell, row, column) => (column === 2 ? status[report.checks[row]!.status](cell) : cell) }
    ))
    if (report.checks.every((check) => check.status === "skipped")) {
      yield* Console.log("\nNo healthcheck covers the granted scopes: nothing could be checked.")
    }
    const warning = idleWarning(report)
    if (warning !== undefined) yield* Console.log(`\n${c.yellow("warning:")} ${warning}`)
    if (!report.ok) {
      return yield* new CommandFailed({
        reason: "Unhealthy",
        message: `healthchecks failed: ${report.checks.filter((x) => x.status === "failed").map((x) => x.name).join(", ")}`
      })
    }
  })
