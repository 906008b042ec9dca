/**
 * The manifest's healthchecks, run as far as the connection's scopes allow, plus the idle warning: a
 * connection unused for longer than the manifest's `idle_warning_after` is reported before it dies.
 */
import { Clock, Context, Effect, Layer, Stream } from "effect"
import { AuthorizedConnection, type IdleStatus } from "../auth/AuthorizedConnection.js"
import type { TokenError } from "../auth/Credentials.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { covers, presetsGranting } from "../scopes/ScopeAlgebra.js"
import { StreamReader } from "../runtime/StreamReader.js"
import { todayUtc } from "../runtime/dateWindows.js"

export interface HealthcheckResult {
  readonly name: string
  readonly stream: string
  readonly scopes: ReadonlyArray<string>
  readonly status: "passed" | "failed" | "skipped"
  readonly detail: string
}

export interface HealthReport {
  readonly checks: ReadonlyArray<HealthcheckResult>
  readonly idle: IdleStatus
  /** every check that could run passed */
  readonly ok: boolean
}

export class Healthchecks extends Context.Tag("justworks-connector/Healthchecks")<Healthchecks, {
  readonly run: Effect.Effect<HealthReport, TokenError>
}>() {
  static make = Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const graph = connector.scopeGraph
    const reader = yield* StreamReader
    const authorized = yield* AuthorizedConnection
    const run = Effect.gen(function*() {
      const connection = yield* authorized.current
      const idle = yield* authorized.idleStatus
      const today = todayUtc(yield* Clock.currentTimeMillis)
      const checks = yield* Effect.forEach(connector.healthchecks, (check) => {
        const base = { name: check.name, stream: check.stream.name, scopes: check.scopes }
        if (!covers(graph, connection.grantedScopes, check.scopes)) {
          const presets = [...new Set(check.scopes.flatMap((s) => presetsGranting(graph, s)))]
          return Effect.succeed<HealthcheckResult>({ ...base, status: "skipped", detail: `not granted: ${check.scopes.join(", ")} (preset ${presets.join(" or ")})` })
        }
        return Stream.runHead(reader.read(check.stream.name, { startDate: today })).pipe(
          Effect.map((): HealthcheckResult => ({ ...base, status: "passed", detail: "ok" })),
          Effect.catchAll((e) => Effect.succeed<HealthcheckResult>({ ...base, status: "failed", detail: e.message }))
        )
      }, { concurrency: connector.concurrency.streams })
      return { checks, idle, ok: checks.every((c) => c.status !== "failed") }
    })
    return Healthchecks.of({ run })
  })

  static layer = Layer.effect(Healthchecks, Healthchecks.make)
}
