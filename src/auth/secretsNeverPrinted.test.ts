/**
 * Client secret, access and refresh tokens never appear in a log line (debug level on) or an error
 * message, across connect, refresh, failure and disconnect.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Inspectable, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { freePort } from "../../contract-tests/support/freePort.js"
import { mockServer } from "../../mocks/mockServer.js"
import { ApiClient } from "../http/ApiClient.js"
import { connectorLayer } from "../../test-support/connectorLayer.js"
import { disconnect } from "./connection.js"
import { authorizeViaLoopback } from "./loopbackAuthorization.js"
import { Credentials } from "./Credentials.js"
import { TokenStore } from "./store/TokenStore.js"

describe("secrets", () => {
  it.live("never appear in logs or errors through connect, refresh, failure and disconnect", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.make((options) => {
        lines.push(Logger.logfmtLogger.log(options))
        lines.push(Logger.structuredLogger.log(options) === undefined ? "" : JSON.stringify(Logger.structuredLogger.log(options)))
      })
      const mock = yield* mockServer({ accessTokenTtlSeconds: 1 })
      const store = yield* TokenStore.makeMemory
      const layer = connectorLayer({ mock, store: Layer.succeed(TokenStore, store), refreshAhead: "10 millis", connectionId: "acme" })
      const errors: Array<string> = []
      const port = yield* Effect.promise(freePort)
      const redirectUri = `http://127.0.0.1:${port}/justworks/oauth/callback`

      yield* Effect.gen(function*() {
        // connect
        yield* authorizeViaLoopback({
          redirectUri,
          scopes: ["company.basic:read"],
          connectionId: "acme",
          timeout: "10 seconds",
          onUrl: (url) =>
            Effect.asVoid(Effect.fork(Effect.promise(async () => {
              const consent = await fetch(url, { redirect: "manual" })
              await (await fetch(consent.headers.get("location")!)).text()
            })))
        })
        const api = yield* ApiClient
        yield* api.call("get_company")
        // refresh (the token lives one second)
        yield* Effect.sleep("1100 millis")
        yield* api.call("get_company")
        // failures: a scope that was not granted, an unknown id
        for (const failing of [api.call("get_company_bank_account"), api.call("get_member", { path: { member_id: "nobody" } })]) {
          const error = yield* Effect.flip(failing)
          errors.push(error.message, String(error), Inspectable.format(error), JSON.stringify(error))
        }
        // disconnect, then the dead refresh token fails
        const kept = Option.getOrThrow(yield* store.get("acme"))
        yield* disconnect("acme")
        yield* store.put(kept)
        yield* Effect.sleep("1100 millis")
        const dead = yield* Effect.flip(Effect.flatMap(Credentials, (t) => t.token))
        errors.push(dead.message, String(dead), Inspectable.format(dead), JSON.stringify(dead))
        const cause = yield* Effect.sandbox(Effect.flatMap(Credentials, (t) => t.token)).pipe(Effect.flip)
        errors.push(Cause.pretty(cause))
        errors.push(Inspectable.format(kept), JSON.stringify(kept), String(kept))
      }).pipe(
        Effect.provide(layer),
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.All)
      )

      const secrets = new Set<string>([mock.clientSecret])
      for (const request of mock.requests) if (request.token) secrets.add(request.token)
      const kept = Option.getOrThrow(yield* store.get("acme"))
      secrets.add(Redacted.value(kept.accessToken))
      if (kept.refreshToken) secrets.add(Redacted.value(kept.refreshToken))
      expect(secrets.size).toBeGreaterThanOrEqual(4)
      expect(lines.some((l) => l.includes("access token refreshed"))).toBe(true)
      expect(errors.length).toBeGreaterThan(8)
      const output = [...lines, ...errors].join("\n")
      for (const secret of secrets) expect(output).not.toContain(secret)
    }).pipe(Effect.scoped), 20_000)
})
