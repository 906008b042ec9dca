/**
 * The streams a manifest declares: each endpoint with a `stream` name, plus the streams derived out of an
 * endpoint's records. Defaults are applied here, so the runtime never looks at them again.
 */
import type { Endpoint, HttpMethod, Manifest } from "./Manifest.js"

export interface StreamDefinition {
  readonly name: string
  /** the endpoint (spec operationId) whose responses hold the records */
  readonly endpointId: string
  readonly endpoint: Endpoint
  readonly method: HttpMethod
  /** every scope needed to read the stream: the endpoint's plus, for a derived stream, its own */
  readonly scopes: ReadonlyArray<string>
  readonly records: string
  readonly primaryKey: ReadonlyArray<string>
  readonly docs: string
  /** set for streams selected out of another stream's records */
  readonly derivedFrom: string | undefined
}

/** The record selector an endpoint uses: its own, its paginator's, or the whole body. */
export const recordSelector = (manifest: Manifest, endpoint: Endpoint): string =>
  endpoint.records ??
    (endpoint.paginator === undefined ? undefined : manifest.defaults.paginators[endpoint.paginator]?.records) ??
    "$"

export const endpointMethod = (manifest: Manifest, endpoint: Endpoint): HttpMethod =>
  endpoint.method ?? manifest.defaults.endpoint.method

/** Whether an endpoint's request may be sent again after an unclear failure (by default: its method is idempotent). */
export const endpointRepeatable = (manifest: Manifest, endpoint: Endpoint): boolean => {
  if (endpoint.repeatable !== undefined) return endpoint.repeatable
  const method = endpointMethod(manifest, endpoint)
  return method !== "POST" && method !== "PATCH"
}

/** Resolve a docs reference (absolute, or a fragment of `connector.docs_url`). */
export const docsUrl = (manifest: Manifest, docs: string): string =>
  /^https?:\/\//.test(docs) ? docs : `${manifest.connector.docs_url}${docs}`

export const streamsOf = (manifest: Manifest): Array<StreamDefinition> =>
  Object.entries(manifest.endpoints).flatMap(([endpointId, endpoint]) => {
    if (endpoint.stream === undefined) return []
    const primaryKey = endpoint.primary_key ?? manifest.defaults.endpoint.primary_key
    const own: StreamDefinition = {
      name: endpoint.stream,
      endpointId,
      endpoint,
      method: endpointMethod(manifest, endpoint),
      scopes: endpoint.scopes,
      records: recordSelector(manifest, endpoint),
      primaryKey,
      docs: docsUrl(manifest, endpoint.docs),
      derivedFrom: undefined
    }
    const derived = Object.entries(endpoint.derive ?? {}).map(([name, d]): StreamDefinition => ({
      name,
      endpointId,
      endpoint,
      method: own.method,
      scopes: [...new Set([...endpoint.scopes, ...d.scopes])],
      records: d.records,
      primaryKey: d.primary_key ?? primaryKey,
      docs: docsUrl(manifest, d.docs),
      derivedFrom: endpoint.stream
    }))
    return [own, ...derived]
  })
