/**
 * An action's answer checked against its operation's success response in the OpenAPI description: a body of
 * another shape (`get_company` answering `"id": 42`) is an error, not a result to print and build on. The
 * problem says where and what was expected, never the value.
 */
import type { Connector } from "../model/Connector.js"
import { makeConverter } from "../records/jsonSchemaToEffect.js"
import { makeValidator, type RecordProblem, type RecordValidator } from "../records/RecordSchemas.js"
import { successContent } from "../spec/document.js"

/** A checker of action responses; each action's check is built on first use (none when the spec describes no JSON body). */
export const makeResponseChecker = (connector: Connector) => {
  const converter = makeConverter(connector.spec.document)
  const checks = new Map<string, RecordValidator | null>()

  const checkOf = (actionId: string): RecordValidator | null => {
    const known = checks.get(actionId)
    if (known !== undefined) return known
    const endpoint = connector.actions.get(actionId)?.endpoint
    const content = endpoint === undefined ? undefined : successContent(connector.spec.document, endpoint.method, endpoint.path)
    const built = content === undefined || !("schema" in content) ? null : makeValidator(converter.convert(content["schema"]))
    checks.set(actionId, built)
    return built
  }

  return (actionId: string, body: unknown): RecordProblem | undefined => checkOf(actionId)?.(body)
}
