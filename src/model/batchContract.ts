/**
 * What a batch action's declaration means once put together with the OpenAPI description: the request body's
 * array property and its item schema, the schema a row must match, the batch size and how results are read.
 * `batchContract` is also how the manifest loader checks a `batch` declaration (each problem with its path).
 */
import { Either } from "effect"
import type { BatchDefaults, BatchWrite } from "../manifest/Manifest.js"
import type { OpenApiSpec } from "../spec/OpenApiSpec.js"
import { deref, isJsonObject, mergeSchemas, requestBodySchema } from "../spec/document.js"
import type { BatchContract, EndpointModel } from "./Connector.js"
import type { Path, PathProblem } from "./problems.js"

type Json = Record<string, unknown>

/** The batch contract of an action declaring `batch`, or the problems of its declaration. */
export const batchContract = (
  spec: OpenApiSpec,
  defaults: BatchDefaults | undefined,
  actionId: string,
  batch: BatchWrite,
  endpoint: EndpointModel
): Either.Either<BatchContract, Array<PathProblem>> => {
  const at: Path = ["actions", actionId, "batch"]
  const problems: Array<PathProblem> = []
  const report = (path: Path, message: string, atKey = false) => problems.push({ reason: "Spec", path, message, atKey })
  if (defaults === undefined) {
    report(at, "a batch action needs defaults.batch (size, results and their fields)", true)
    return Either.left(problems)
  }
  const { method, id: endpointId } = endpoint
  const body = requestBodySchema(spec.document, method, endpoint.path)
  if (body === undefined) {
    report(at, `endpoint "${endpointId}" (${method} ${endpoint.path}) takes no JSON request body in ${spec.file}`, true)
    return Either.left(problems)
  }
  const document = spec.document
  const bodySchema = mergeSchemas(document, [body.schema])
  const properties = isJsonObject(bodySchema["properties"]) ? bodySchema["properties"] : {}
  const array = deref(document, properties[batch.items_field])
  if (!isJsonObject(array) || array["type"] !== "array" || array["items"] === undefined) {
    report([...at, "items_field"], `"${batch.items_field}" is not an array property of the request body of ${method} ${endpoint.path} in ${spec.file}`)
    return Either.left(problems)
  }
  const size = batch.size ?? defaults.size
  const maxItems = typeof array["maxItems"] === "number" ? array["maxItems"] : undefined
  if (maxItems !== undefined && size > maxItems) {
    report(batch.size === undefined ? ["defaults", "batch", "size"] : [...at, "size"], `batches of ${size} exceed the ${maxItems} items ${method} ${endpoint.path} accepts`)
  }

  const itemSchema = deref(document, array["items"])
  let rowSchema: Json
  if (batch.item !== undefined) {
    rowSchema = { type: "object", required: [batch.item], properties: { [batch.item]: itemSchema } }
  } else {
    const merged = mergeSchemas(document, [itemSchema])
    if (merged["type"] !== "object" || !isJsonObject(merged["properties"])) {
      report([...at, "items_field"], `the items of "${batch.items_field}" are not objects; declare \`item\`: the row field whose value is sent`)
      return Either.left(problems)
    }
    const required = Array.isArray(merged["required"]) ? merged["required"].filter((r) => r !== batch.idempotency_key) : []
    rowSchema = { ...merged, required }
  }
  const rowFields = Object.keys(rowSchema["properties"] as Json)

  const field = (name: string | undefined, path: Path, what: string) => {
    if (name !== undefined && !rowFields.includes(name)) report(path, `${what} "${name}" is not a field of the items of ${method} ${endpoint.path} in ${spec.file}; fields: ${rowFields.join(", ")}`)
  }
  field(batch.key, [...at, "key"], "key")
  if (batch.idempotency_key !== undefined && batch.item !== undefined) {
    report([...at, "idempotency_key"], "an idempotency key needs object items; it cannot be combined with `item`")
  } else {
    field(batch.idempotency_key, [...at, "idempotency_key"], "idempotency key")
  }
  ;(batch.rules ?? []).forEach((rule, i) => {
    field(rule.field, [...at, "rules", i, "field"], "rule field")
    field(rule.not_before, [...at, "rules", i, "not_before"], "rule field")
  })
  if (problems.length > 0) return Either.left(problems)

  return Either.right({
    action: actionId,
    endpointId,
    method,
    path: endpoint.path,
    itemsField: batch.items_field,
    size,
    results: defaults,
    keyField: batch.idempotency_key ?? batch.key ?? batch.item,
    idempotencyKey: batch.idempotency_key,
    itemField: batch.item,
    unchangedWhen: batch.unchanged_when,
    rules: batch.rules ?? [],
    rowSchema,
    rowFields
  })
}
