/**
 * The part of an action's input that becomes its request body (everything but path and query parameters,
 * or `body` when given), checked against the OpenAPI description's request schema before any request.
 */
import type { Manifest } from "../manifest/Manifest.js"
import { endpointMethod } from "../manifest/streams.js"
import { isJsonObject, makeConverter } from "../records/jsonSchemaToEffect.js"
import { makeValidator, type RecordValidator } from "../records/RecordSchemas.js"
import { operationAt, pathParams, type OpenApiSpec } from "../spec/OpenApiSpec.js"
import { requestBodySchema } from "../spec/requestBodySchema.js"

export interface BodyProblem {
  /** where in the input, e.g. `items[0].amount` or `body.items` */
  readonly path: string
  readonly message: string
}

/** A checker of action bodies; each action's validator is built on first use. */
export const makeBodyChecker = (manifest: Manifest, spec: OpenApiSpec) => {
  const converter = makeConverter(spec.document)
  const validators = new Map<string, { readonly validate: RecordValidator; readonly required: boolean; readonly params: ReadonlySet<string> } | null>()

  const contract = (actionId: string) => {
    const known = validators.get(actionId)
    if (known !== undefined) return known
    const action = manifest.actions[actionId]
    const endpoint = action === undefined ? undefined : manifest.endpoints[action.endpoint ?? actionId]
    const method = endpoint === undefined ? undefined : endpointMethod(manifest, endpoint)
    const described = endpoint === undefined || method === undefined || method === "GET" ? undefined : requestBodySchema(spec.document, method, endpoint.path)
    const operation = endpoint === undefined || method === undefined ? undefined : operationAt(spec, method, endpoint.path)
    const built = endpoint === undefined || described === undefined ? null : {
      validate: makeValidator(converter.convert(described.schema)),
      required: described.required,
      params: new Set([...pathParams(endpoint.path), ...(operation?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name)])
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
