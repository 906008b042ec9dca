/** The JSON Schema of an operation's `application/json` request body, as the OpenAPI description declares it. */
import { deref, isJsonObject } from "../records/jsonSchemaToEffect.js"

export interface RequestBodySchema {
  /** the schema node (may hold `$ref`s into the document) */
  readonly schema: unknown
  readonly required: boolean
}

/** The request body schema of the operation at `method path`, if it takes a JSON body. */
export const requestBodySchema = (document: unknown, method: string, path: string): RequestBodySchema | undefined => {
  const paths = isJsonObject(document) ? document["paths"] : undefined
  const item = deref(document, isJsonObject(paths) ? paths[path] : undefined)
  const operation = isJsonObject(item) ? item[method.toLowerCase()] : undefined
  const body = deref(document, isJsonObject(operation) ? operation["requestBody"] : undefined)
  const content = isJsonObject(body) ? body["content"] : undefined
  const json = isJsonObject(content) ? content["application/json"] : undefined
  return isJsonObject(json) && "schema" in json
    ? { schema: json["schema"], required: isJsonObject(body) && body["required"] === true }
    : undefined
}
