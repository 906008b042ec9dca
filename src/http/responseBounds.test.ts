/**
 * The response bounds of the manifest's requester through the library, against a hostile API in front of the
 * stateful mock: a body trickled a byte at a time ends at `response_deadline` (the gap timeout alone would let
 * it live for ever), a record nested 10,000 levels ends at `max_json_depth`; each fails its own stream only.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Redacted, Stream } from "effect"
import { startMockServer } from "../../mocks/index.js"
import { answer, on, startHostileServer } from "../../test-support/hostileServer.js"
import { loadProjectConnector } from "../../test-support/projectManifest.js"
import { Justworks } from "../Justworks.js"

const project = loadProjectConnector()

/** The project's connector with a short whole-response deadline. */
const withDeadline = (deadline: Duration.DurationInput) => ({
  ...project,
  requester: { ...project.requester, response_deadline: Duration.decode(deadline) }
})

describe("response bounds", () => {
  it.live("a trickled body fails its stream at the deadline; a record nested 10,000 levels at the depth bound; other streams read on", () =>
    Effect.gen(function*() {
      const mock = yield* Effect.acquireRelease(Effect.promise(() => startMockServer({ members: 3, payrollMonths: 1 })), (m) => Effect.promise(() => m.close()))
      const api = yield* Effect.acquireRelease(Effect.promise(() => startHostileServer(mock.url)), (s) => Effect.promise(() => s.close()))
      const tokens = mock.issueTokens(mock.scopes)
      api.rules = [
        on("GET", "/v1/members", (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.write("{")
          const timer = setInterval(() => res.write(" "), 200)
          res.on("close", () => clearInterval(timer))
        }),
        on("GET", "/v1/deduction-types", (_req, res) => answer(res, 200, `{"items":[{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}],"next_cursor":null}`))
      ]
      const read = (stream: "members" | "deduction_types" | "departments") =>
        Effect.flatMap(Justworks, (j) => Effect.either(Stream.runCount(j.stream(stream))))
      const started = Date.now()
      const [members, deductionTypes, departments] = yield* Effect.all([read("members"), read("deduction_types"), read("departments")], {
        concurrency: "unbounded"
      }).pipe(
        Effect.provide(Justworks.layer({
          clientId: mock.clientId,
          clientSecret: Redacted.make(mock.clientSecret),
          baseUrl: api.url,
          connector: withDeadline("2 seconds"),
          tokens: { accessToken: Redacted.make(tokens.access_token), refreshToken: Redacted.make(tokens.refresh_token) }
        }))
      )
      // generous: the 2 s deadline ended it, not the 30 s gap timeout (never reached by a trickle)
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(Either.isLeft(members) && members.left.message).toBe(
        "list_members: response to GET /v1/members refused: the response did not arrive whole within 2s (defaults.requester.response_deadline)"
      )
      expect(Either.isLeft(deductionTypes) && deductionTypes.left.message).toMatch(/nested deeper than 64 levels \(defaults\.requester\.max_json_depth\)$/)
      expect(Either.getOrThrow(departments)).toBeGreaterThan(0)
    }).pipe(Effect.scoped), 30_000)
})
