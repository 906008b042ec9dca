/**
 * The part of an action's input that becomes its request body (everything but path and query parameters,
 * or `body` when given), checked against the OpenAPI description's request schema before any request.
 */
import type { Connector } from "../model/Connector.js"
import { makeConverter } from "../records/jsonSchemaToEffect.js"
import { makeValidator, type RecordValidator } from "../records/RecordSchemas.js"
import { isJsonObject, requestBodySchema } from "../spec/document.js"

export interface BodyProblem {
  /** where in the input, e.g. `items[0].amount` or `body.items` */
  readonly path: string
  readonly message: string
}

/** A checker of action bodies; each action's validator is built on first use. */
export const makeBodyChecker = (connector: Connector) => {
  const { spec } = connector
  const converter = makeConverter(spec.document)
  const validators = new Map<string, { readonly validate: RecordValidator; readonly required: boolean; readonly params: ReadonlySet<string> } | null>()

  const contract = (actionId: string) => {
    const known = validators.get(actionId)
    if (known !== undefined) return known
    const endpoint = connector.actions.get(actionId)?.endpoint
    const described = endpoint === undefined || endpoint.method === "GET" ? undefined : requestBodySchema(spec.document, endpoint.method, endpoint.path)
    const built = endpoint === undefined || described === undefined ? null : {
      validate: makeValidator(converter.convert(described.schema)),
      required: described.required,
      params: new Set([...endpoint.pathParams, ...endpoint.operation.parameters.filter((p) => p.in === "query").map((p) => p.name)])
    }
    validators.set(actionId, built)
    return built
  }

  return (actionId: string, input: Readonly<Record<string, unknown>>): BodyProblem | undefined => {
    const checked = contract(actionId)
    if (checked === null) return undefined
    const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !checked.params.has(k)))
    const body = "body" in rest ? rest["body"] : rest
    if (isJsonObject(body) && Object.keys(body).length === 0 && !checked.required) return undefined
    const problem = checked.validate(body)
    if (problem === undefined) return undefined
    const prefix = "body" in rest ? "body" : ""
    return { path: [prefix, problem.path].filter((p) => p !== "").join(problem.path.startsWith("[") ? "" : "."), message: problem.message }
  }
}
