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

  it.effect("a config that is not an object is described by its JSON type alone", () =>
    Effect.gen(function*() {
      const config = { client_id: "app", client_secret: "cs_TOPSECRET", refresh_token: "rt_TOPSECRET" }
      expect(yield* problem([config])).toBe("invalid config: config.json: must be a JSON object, not an array")
      // double-encoded, as from an environment variable
      expect(yield* problem(JSON.stringify(config))).toBe("invalid config: config.json: must be a JSON object, not a string")
      expect(yield* problem(null)).toBe("invalid config: config.json: must be a JSON object, not null")
    }))

  it.effect("a secret used as a key, or a key that is not a name, is not quoted", () =>
    Effect.gen(function*() {
      const asKey = yield* problem({ client_id: "app", client_secret: "cs_KEYEDSECRET", cs_KEYEDSECRET: true })
      expect(asKey).toBe("invalid config: config.json at […]: unknown key")
      const tokenLike = yield* problem({ client_id: "app", client_secret: "x1", "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo": 1 })
      expect(tokenLike).toBe("invalid config: config.json at […]: unknown key")
      expect(yield* problem({ client_id: "app", client_secret: "x1", acess_token: "t" })).toBe("invalid config: config.json at acess_token: unknown key")
    }))

  it.effect("an object or array found where a name or value goes is named by its type, not quoted", () =>
    Effect.gen(function*() {
      expect(yield* problem({ client_id: "app", client_secret: "cs_1", connection_id: ["pasted-secret-value"] })).toBe(
        "invalid config: config.json at connection_id: Expected string, actual an array"
      )
      expect(yield* problem({ client_id: "app", client_secret: "cs_1", presets: [{ token: "pasted-secret-value" }] })).toBe(
        "invalid config: config.json at presets[0]: Expected string, actual an object"
      )
    }))

  it.effect("blank secrets are refused, located", () =>
    Effect.gen(function*() {
      expect(yield* problem({ client_id: "app", client_secret: " \t " })).toBe("invalid config: config.json at client_secret: must not be empty or blank")
      expect(yield* problem({ client_id: "app", client_secret: "cs_1", access_token: "\n" })).toBe("invalid config: config.json at access_token: must not be empty or blank")
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

  it("a key given twice, or nesting beyond the bound, is located (JSON.parse keeps the last key silently)", () => {
    const error = (text: string) => Either.match(parseJsonText(from, text), { onLeft: (e) => e.message, onRight: () => "parsed" })
    expect(error('{\n  "client_id": "app",\n  "client_secret": "a",\n  "client_secret": "b"\n}')).toBe(
      "invalid config: config.json at client_secret: the key is given twice (again at line 4, column 3): JSON would keep only the last; give it once"
    )
    expect(error('{"presets": [{"x": 1, "\\u0078": 2}]}')).toBe(
      "invalid config: config.json at presets[0].x: the key is given twice (again at line 1, column 23): JSON would keep only the last; give it once"
    )
    expect(error('{"a": ["{\\"x\\": 1, \\"x\\": 2}"], "b": {"a": 1}}')).toBe("parsed")
    const deep = `{"client_id": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`
    expect(error(deep)).toBe(`invalid config: config.json at client_id${"[0]".repeat(63)}: nested deeper than 64 levels (at line 1, column ${15 + 63})`)
  })

  it.effect("values that are not secrets are still shown", () =>
    Effect.gen(function*() {
      const message = yield* problem({ client_id: "app", client_secret: "cs_1", start_date: 20250101 })
      expect(message).toBe("invalid config: config.json at start_date: Expected string, actual 20250101")
    }))
})
