/**
 * An action's answer checked against its operation's success response in the OpenAPI description: a body of
 * another shape (`get_company` answering `"id": 42`) is an error, not a result to print and build on. The
 * problem says where and what was expected, never the value.
 */
import type { Manifest } from "../manifest/Manifest.js"
import { endpointMethod } from "../manifest/streams.js"
import { makeConverter } from "../records/jsonSchemaToEffect.js"
import { makeValidator, successContent, type RecordProblem, type RecordValidator } from "../records/RecordSchemas.js"
import type { OpenApiSpec } from "../spec/OpenApiSpec.js"

/** A checker of action responses; each action's check is built on first use (none when the spec describes no JSON body). */
export const makeResponseChecker = (manifest: Manifest, spec: OpenApiSpec) => {
  const converter = makeConverter(spec.document)
  const checks = new Map<string, RecordValidator | null>()

  const checkOf = (actionId: string): RecordValidator | null => {
    const known = checks.get(actionId)
    if (known !== undefined) return known
    const action = manifest.actions[actionId]
    const endpoint = action === undefined ? undefined : manifest.endpoints[action.endpoint ?? actionId]
    const content = endpoint === undefined ? undefined : successContent(spec.document, endpointMethod(manifest, endpoint), endpoint.path)
    const built = content === undefined || !("schema" in content) ? null : makeValidator(converter.convert(content["schema"]))
    checks.set(actionId, built)
    return built
  }

  return (actionId: string, body: unknown): RecordProblem | undefined => checkOf(actionId)?.(body)
}
