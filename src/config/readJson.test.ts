import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { ConnectorConfig } from "./ConnectorConfig.js"
import { decodeJson, parseJsonText } from "./readJson.js"

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

  it.effect("a secret is not shown whatever it holds: runs of spaces, object keys, booleans", () =>
    Effect.gen(function*() {
      const spaced = yield* problem({ client_id: "app", client_secret: ["cs_AB  CD\u00a0SECRET"] })
      expect(spaced).toBe("invalid config: config.json at client_secret: Expected string, actual value not shown (a secret)")
      const keyed = yield* problem({ client_id: "app", client_secret: "cs_1", access_token: { at_KEYSECRET: 1 } })
      expect(keyed).not.toContain("KEYSECRET")
      const flag = yield* problem({ client_id: "app", client_secret: true })
      expect(flag).toBe("invalid config: config.json at client_secret: Expected string, actual value not shown (a secret)")
      const whole = yield* problem([{ client_id: "app", client_secret: { "cs_KEY  SECRET": "x y" }, refresh_token: false }])
      for (const secret of ["KEY", "SECRET", "x y", "false"]) expect(whole).not.toContain(secret)
    }))

  it("a syntax error says where, without quoting the text (it may hold a secret)", () => {
    const error = (text: string) => Either.match(parseJsonText(from, text), { onLeft: (e) => e.message, onRight: () => "parsed" })
    expect(error('{\n  "client_id": "app",\n  "client_secret": cs_SUPERSECRET\n}')).toBe(
      "invalid config: config.json: not valid JSON (unexpected character at line 3, column 20)"
    )
    expect(error('{"client_secret": "cs_SECRET",}')).toBe(
      "invalid config: config.json: not valid JSON (Expected double-quoted property name at line 1, column 31)"
    )
    expect(error('{"client_secret": "cs_SECRET')).toBe("invalid config: config.json: not valid JSON (Unterminated string at line 1, column 29)")
    expect(error('{"client_secret": ')).toBe("invalid config: config.json: not valid JSON (Unexpected end of JSON input at line 1, column 19)")
    expect(error('{"client_id": "app"}\n}')).toBe(
      "invalid config: config.json: not valid JSON (Unexpected non-whitespace character after JSON at line 2, column 1)"
    )
    expect(error("NaN")).toBe("invalid config: config.json: not valid JSON (unexpected character at line 1, column 1)")
  })

  it.effect("values that are not secrets are still shown", () =>
    Effect.gen(function*() {
      const message = yield* problem({ client_id: "app", client_secret: "cs_1", start_date: 20250101 })
      expect(message).toBe("invalid config: config.json at start_date: Expected string, actual 20250101")
    }))
})
