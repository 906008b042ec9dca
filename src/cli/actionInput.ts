/**
 * An action's input on the command line (`--input JSON` or `--input @file`), checked before any request: JSON
 * object, and a request body (for actions that send one) that matches the OpenAPI description's schema.
 * Path and query parameters are checked by the action runner, also before any request.
 */
import { FileSystem } from "@effect/platform"
import { Effect, Either } from "effect"
import { InputError } from "../config/InputError.js"
import { parseJsonText } from "../config/readJson.js"
import type { LoadedManifest } from "../manifest/loadManifest.js"
import { endpointMethod } from "../manifest/streams.js"
import { isJsonObject, makeConverter } from "../records/jsonSchemaToEffect.js"
import { makeValidator } from "../records/RecordSchemas.js"
import { pathParams } from "../spec/OpenApiSpec.js"
import { requestBodySchema } from "../spec/requestBodySchema.js"

export type ActionInputObject = Readonly<Record<string, unknown>>

/** Parse `--input`: inline JSON, or `@path` of a JSON file. */
export const parseActionInput = (value: string): Effect.Effect<ActionInputObject, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fromFile = value.startsWith("@")
    const from = { input: "action input", source: fromFile ? value.slice(1) : "--input" }
    const text = fromFile
      ? yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(from.source)).pipe(
        Effect.mapError(() => new InputError({ reason: "Unreadable", ...from, path: "", detail: "cannot be read" }))
      )
      : value
    const json = yield* parseJsonText(from, text)
    if (!isJsonObject(json)) {
      return yield* new InputError({ reason: "Invalid", ...from, path: "", detail: "must be a JSON object of the action's parameters" })
    }
    return json
  })

/** Check the part of the input that becomes the request body against the operation's schema. */
export const checkActionBody = (
  loaded: LoadedManifest,
  actionId: string,
  input: ActionInputObject,
  source: string
): Either.Either<void, InputError> => {
  const { manifest, spec } = loaded
  const action = manifest.actions[actionId]
  const endpoint = action === undefined ? undefined : manifest.endpoints[action.endpoint ?? actionId]
  if (endpoint === undefined) return Either.right(undefined)
  const method = endpointMethod(manifest, endpoint)
  if (method === "GET") return Either.right(undefined)
  const operation = spec.operations.find((o) => o.method === method && o.path === endpoint.path)
  const params = new Set([...pathParams(endpoint.path), ...(operation?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name)])
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !params.has(k)))
  const bodyOf = "body" in rest ? rest["body"] : rest
  const described = requestBodySchema(spec.document, method, endpoint.path)
  if (described === undefined) return Either.right(undefined)
  const empty = isJsonObject(bodyOf) && Object.keys(bodyOf).length === 0
  if (empty && !described.required) return Either.right(undefined)
  const problem = makeValidator(makeConverter(spec.document).convert(described.schema))(bodyOf)
  if (problem === undefined) return Either.right(undefined)
  const prefix = "body" in rest ? "body" : ""
  const path = [prefix, problem.path].filter((p) => p !== "").join(problem.path.startsWith("[") ? "" : ".")
  return Either.left(new InputError({ reason: "Invalid", input: `input of action ${actionId}`, source, path, detail: problem.message }))
}

const SSN_KEY = /^(ssn|social_security_number)$/i

/** The output with Social Security numbers masked to their last four digits. */
export const maskSensitive = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(maskSensitive)
  if (!isJsonObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [
    k,
    SSN_KEY.test(k) && typeof v === "string" ? `***-**-${v.replace(/\D/g, "").slice(-4)}` : maskSensitive(v)
  ]))
}
