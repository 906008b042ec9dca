/**
 * Validates request parameters and response bodies against schemas/justworks.openapi.yaml with a real
 * JSON Schema validator (Ajv, draft 2020-12 as the spec's jsonSchemaDialect says).
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js"
import addFormats from "ajv-formats"
import * as YAML from "yaml"

const SPEC_ID = "https://justworks-connector.invalid/openapi.json"

export const specPath = fileURLToPath(new URL("../../schemas/justworks.openapi.yaml", import.meta.url))

export interface SpecOperationView {
  readonly operationId: string
  readonly method: string
  readonly path: string
  readonly pointer: string
  readonly operation: Record<string, any>
}

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1")

export const loadSpecDocument = (): Record<string, any> => YAML.parse(readFileSync(specPath, "utf8"))

export const makeSpecValidator = (doc: Record<string, any> = loadSpecDocument()) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  ;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
  ajv.addSchema({ ...doc, $id: SPEC_ID })

  const operations: Array<SpecOperationView> = Object.entries(doc["paths"] as Record<string, any>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, any>)
      .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map(([method, operation]) => ({
        operationId: operation.operationId as string,
        method: method.toUpperCase(),
        path,
        pointer: `#/paths/${escape(path)}/${method}`,
        operation
      }))
  )

  const resolve = (node: any): any => {
    let current = node
    while (current && typeof current.$ref === "string") {
      current = current.$ref.slice(2).split("/").map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce((n: any, k: string) => n?.[k], doc)
    }
    return current
  }

  const operation = (operationId: string): SpecOperationView => {
    const found = operations.find((o) => o.operationId === operationId)
    if (!found) throw new Error(`no operation ${operationId} in the spec`)
    return found
  }

  /** Validate a JSON value against the schema at a JSON pointer of the spec. */
  const validateAt = (pointer: string, value: unknown): ReadonlyArray<ErrorObject> => {
    const validate = ajv.getSchema(`${SPEC_ID}${pointer}`) ?? ajv.compile({ $ref: `${SPEC_ID}${pointer}` })
    return validate(value) ? [] : [...(validate.errors ?? [])]
  }

  /** Problems of a response body for an operation and status; the status must be declared. */
  const validateResponse = (operationId: string, status: number, body: unknown): ReadonlyArray<string> => {
    const op = operation(operationId)
    const responses = op.operation["responses"] ?? {}
    const key = String(status) in responses ? String(status) : `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : "default"
    if (!(key in responses)) return [`${operationId} does not declare status ${status}`]
    const response = resolve(responses[key])
    const media = response?.content?.["application/json"]
    if (media === undefined) return body === undefined || body === "" ? [] : []
    const pointer = responses[key].$ref
      ? `${responses[key].$ref.slice(1)}/content/application~1json/schema`
      : `${op.pointer.slice(1)}/responses/${key}/content/application~1json/schema`
    return validateAt(`#${pointer}`, body).map((e) => `${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`)
  }

  /** Query parameter names the operation declares (path-level ones included). */
  const queryParameters = (operationId: string): ReadonlyArray<string> => {
    const op = operation(operationId)
    const item = doc["paths"][op.path]
    return [...(item.parameters ?? []), ...(op.operation["parameters"] ?? [])]
      .map(resolve)
      .filter((p: any) => p.in === "query")
      .map((p: any) => p.name)
  }

  return { doc, operations, operation, resolve, validateAt, validateResponse, queryParameters }
}

export type SpecValidator = ReturnType<typeof makeSpecValidator>
