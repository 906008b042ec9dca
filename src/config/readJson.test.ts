import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorConfig } from "./ConnectorConfig.js"
import { decodeJson } from "./readJson.js"

const from = { input: "config", source: "config.json" }
const problem = (value: unknown) => Effect.map(Effect.flip(decodeJson(ConnectorConfig, from)(value)), (e) => e.message)

describe("decodeJson", () => {
  it.effect("a secret of the wrong shape is located but not shown, whatever its shape", () =>
    Effect.gen(function*() {
      const message = yield* problem({
        client_id: "app",
        client_secret: ["cs_SUPERSECRET"],
        access_token: { value: "at_SECRET" },
        refresh_token: 31415926
      })
      expect(message).toContain("at client_secret: Expected string")
      expect(message).toContain("at access_token: Expected string")
      expect(message).toContain("at refresh_token: Expected string")
      for (const secret of ["cs_SUPERSECRET", "at_SECRET", "31415926"]) expect(message).not.toContain(secret)
    }))

  it.effect("a config of the wrong shape as a whole does not show the secrets it holds", () =>
    Effect.gen(function*() {
      const message = yield* problem([{ client_id: "app", client_secret: "cs_TOPSECRET", refresh_token: "rt_x" }])
      expect(message).toMatch(/^invalid config: config\.json: Expected ConnectorConfig, actual \[/)
      expect(message).toContain('"client_id":"app"')
      expect(message).not.toContain("cs_TOPSECRET")
      expect(message).not.toContain("rt_x")
    }))

  it.effect("values that are not secrets are still shown", () =>
    Effect.gen(function*() {
      const message = yield* problem({ client_id: "app", client_secret: "cs_1", start_date: 20250101 })
      expect(message).toBe("invalid config: config.json at start_date: Expected string, actual 20250101")
    }))
})
