/**
 * Runs any declared action: checks the connection's granted scopes cover it, maps the input onto the
 * endpoint's path parameters, query parameters (as the OpenAPI description declares them) and body, checks
 * the body against the request schema, calls it through the HTTP pipeline, and checks the answer against the
 * success response's schema. No action-specific code.
 */
import { Context, Effect, Layer, Schema } from "effect"
import { AuthorizedConnection } from "../auth/AuthorizedConnection.js"
import type { TokenError } from "../auth/Credentials.js"
import type { ApiError } from "../http/ApiError.js"
import { ApiClient } from "../http/ApiClient.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { closure, presetsGranting } from "../scopes/ScopeAlgebra.js"
import { makeBodyChecker } from "./actionBody.js"
import { makeResponseChecker } from "./actionResponse.js"

export class ActionError extends Schema.TaggedError<ActionError>()("ActionError", {
  reason: Schema.Literal("UnknownAction", "InvalidInput", "ScopeNotGranted", "InvalidResponse"),
  action: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `action ${this.action}: ${this.detail}`
  }
}

export type ActionInput = Readonly<Record<string, unknown>>

export class ActionRunner extends Context.Tag("justworks-connector/ActionRunner")<ActionRunner, {
  readonly actions: ReadonlyArray<string>
  /** fails unless the action is declared and the connection's granted scopes cover it */
  readonly authorize: (action: string) => Effect.Effect<void, ActionError | TokenError>
  readonly run: (action: string, input?: ActionInput) => Effect.Effect<unknown, ActionError | ApiError | TokenError>
}>() {
  static make = Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const api = yield* ApiClient
    const connection = yield* AuthorizedConnection
    const ids = [...connector.actions.keys()]
    const graph = connector.scopeGraph
    const checkBody = makeBodyChecker(connector)
    const checkResponse = makeResponseChecker(connector)

    const authorize = (id: string) =>
      Effect.gen(function*() {
        const action = connector.actions.get(id)
        const fail = (reason: ActionError["reason"], detail: string) => new ActionError({ reason, action: id, detail })
        if (action === undefined) return yield* fail("UnknownAction", `unknown action; valid actions: ${ids.join(", ")}`)
        const granted = closure(graph, (yield* connection.current).grantedScopes)
        const missing = action.scopes.filter((s) => !granted.includes(s))
        if (missing.length > 0) {
          const presets = [...new Set(missing.flatMap((s) => presetsGranting(graph, s)))]
          return yield* fail("ScopeNotGranted", `the connection lacks ${missing.join(", ")}; reconnect with the preset ${presets.join(" or ")} selected`)
        }
      })

    const run = (id: string, input: ActionInput = {}) =>
      Effect.gen(function*() {
        yield* authorize(id)
        const { endpoint } = connector.actions.get(id)!
        const fail = (reason: ActionError["reason"], detail: string) => new ActionError({ reason, action: id, detail })
        const operation = endpoint.operation

        const path: Record<string, string> = {}
        for (const name of endpoint.pathParams) {
          const value = input[name]
          if (typeof value !== "string" && typeof value !== "number") return yield* fail("InvalidInput", `"${name}" is required (a string)`)
          path[name] = String(value)
        }
        const queryNames = operation.parameters.filter((p) => p.in === "query")
        const query: Record<string, string | number | boolean> = {}
        for (const param of queryNames) {
          const value = input[param.name]
          if (value === undefined) {
            if (param.required) return yield* fail("InvalidInput", `"${param.name}" is required`)
            continue
          }
          if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
            return yield* fail("InvalidInput", `"${param.name}" must be a string, number or boolean`)
          }
          query[param.name] = value
        }
        const used = new Set([...Object.keys(path), ...queryNames.map((p) => p.name)])
        const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !used.has(k)))
        const takesBody = operation.hasBody
        if (!takesBody && Object.keys(rest).length > 0) {
          const valid = [...used].join(", ") || "none"
          return yield* fail("InvalidInput", `unknown input ${Object.keys(rest).map((k) => `"${k}"`).join(", ")}; valid: ${valid}`)
        }
        const body = takesBody ? ("body" in rest ? rest["body"] : rest) : undefined
        const problem = takesBody ? checkBody(id, input) : undefined
        if (problem !== undefined) return yield* fail("InvalidInput", `${problem.path === "" ? "the body" : problem.path}: ${problem.message}`)
        const answer = yield* api.call(endpoint.id, { path, query, ...(body === undefined ? {} : { body }) })
        const wrong = checkResponse(id, answer)
        if (wrong !== undefined) {
          return yield* fail("InvalidResponse", `the API's answer does not match the OpenAPI description at ${wrong.path === "" ? "its body" : wrong.path}: ${wrong.message}`)
        }
        return answer
      })

    return ActionRunner.of({ actions: ids, authorize, run })
  })

  static layer = Layer.effect(ActionRunner, ActionRunner.make)
}
