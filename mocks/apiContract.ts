/**
 * What the mock reads out of the project's own descriptions at startup instead of hard-coding it:
 * from schemas/justworks.openapi.yaml the operations (method, path template, required scopes) and the
 * scope-dependent fields documented on schemas; from connector.yaml the scope implications and
 * `field_scopes`.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as YAML from "yaml"
import { findManifestFile } from "../src/model/manifestFile.js"

export interface ContractOperation {
  readonly operationId: string
  readonly method: string
  readonly pathTemplate: string
  readonly pattern: RegExp
  readonly pathParams: ReadonlyArray<string>
  /** undefined: no bearer token (OAuth endpoints); []: any valid token; otherwise every listed scope. */
  readonly scopes: ReadonlyArray<string> | undefined
  /** Query parameters the spec declares, by name. */
  readonly queryParams: ReadonlyMap<string, QueryParam>
  /** the first example of its first 2xx JSON response, if the spec gives one */
  readonly example: { readonly status: number; readonly body: unknown } | undefined
}

export interface QueryParam {
  readonly required: boolean
  readonly type?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<string>
  readonly minimum?: number
  readonly maximum?: number
  readonly default?: unknown
}

export interface ApiContract {
  readonly operations: ReadonlyArray<ContractOperation>
  /** Every declared scope. */
  readonly scopes: ReadonlyArray<string>
  /** Scope → scopes it includes (direct). */
  readonly implications: ReadonlyMap<string, ReadonlyArray<string>>
  /** Schema name → field → scope needed to see it (connector.yaml field_scopes ∪ the spec's field notes). */
  readonly fieldScopes: ReadonlyMap<string, ReadonlyMap<string, string>>
  /** Where the two sources disagree or only one of them names a field (for the curious). */
  readonly fieldScopeNotes: ReadonlyArray<string>
  /** Default and maximum `limit` from the spec's Limit parameter. */
  readonly limitDefault: number
  readonly limitMax: number
  /** All granted scopes once implications are followed. */
  readonly closure: (scopes: Iterable<string>) => ReadonlySet<string>
  readonly operation: (operationId: string) => ContractOperation
}

/** The package's connector.yaml and OpenAPI description, above this module (mocks/, or the library's dist/lib/). */
export const defaultConnectorPath = findManifestFile(dirname(fileURLToPath(import.meta.url)))
export const defaultSpecPath = join(dirname(defaultConnectorPath), "schemas", "justworks.openapi.yaml")

const METHODS = ["get", "post", "put", "patch", "delete"]
const FIELD_NOTE = /Only returned when the token was granted `([^`]+)`/

const cache = new Map<string, ApiContract>()

export const loadApiContract = (specPath: string = defaultSpecPath, connectorPath: string = defaultConnectorPath): ApiContract => {
  const key = `${specPath}\u0000${connectorPath}`
  const cached = cache.get(key)
  if (cached) return cached
  const spec = YAML.parse(readFileSync(specPath, "utf8")) as Record<string, any>
  const connector = YAML.parse(readFileSync(connectorPath, "utf8")) as Record<string, any>

  const resolve = (node: any): any => {
    let current = node
    while (current && typeof current.$ref === "string") {
      current = (current.$ref as string).slice(2).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce((n: any, k: string) => n?.[k], spec)
    }
    return current
  }

  const firstExample = (responses: Record<string, any>): ContractOperation["example"] => {
    for (const status of Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort()) {
      const media = resolve(responses[status])?.content?.["application/json"]
      const named = Object.values(media?.examples ?? {})[0]
      const body = named !== undefined ? resolve(named)?.value : media?.example
      if (body !== undefined) return { status: Number(status), body }
    }
    return undefined
  }

  const operations: Array<ContractOperation> = []
  for (const [pathTemplate, item] of Object.entries(spec["paths"] as Record<string, any>)) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const pathParams: Array<string> = []
      const source = pathTemplate.split("/").map((segment) => {
        const m = /^\{(.+)\}$/.exec(segment)
        if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        pathParams.push(m[1] as string)
        return "([^/]+)"
      }).join("/")
      const security = op.security ?? spec["security"] ?? []
      const requirement = (security as Array<Record<string, Array<string>>>)[0]
      const scopes = requirement === undefined ? undefined : Object.values(requirement).flat()
      const queryParams = new Map<string, QueryParam>()
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)) {
        if (p?.in !== "query") continue
        const schema = resolve(p.schema) ?? {}
        queryParams.set(p.name, {
          required: p.required === true,
          ...(typeof schema.type === "string" ? { type: schema.type } : {}),
          ...(typeof schema.format === "string" ? { format: schema.format } : {}),
          ...(Array.isArray(schema.enum) ? { enum: schema.enum } : {}),
          ...(typeof schema.minimum === "number" ? { minimum: schema.minimum } : {}),
          ...(typeof schema.maximum === "number" ? { maximum: schema.maximum } : {}),
          ...(schema.default !== undefined ? { default: schema.default } : {})
        })
      }
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        pattern: new RegExp(`^${source}$`),
        pathParams,
        scopes,
        queryParams,
        example: firstExample(op.responses ?? {})
      })
    }
  }
  // Literal paths win over templated ones (`/v1/webhooks/get` before `/v1/webhooks/{id}/...`).
  operations.sort((a, b) => a.pathParams.length - b.pathParams.length)

  const declared = connector["scopes"] as Record<string, { includes?: Array<string> }>
  const specScopes = Object.keys(spec["components"]?.["securitySchemes"]?.["justworks_oauth"]?.["flows"]?.["authorizationCode"]?.["scopes"] ?? {})
  const scopes = [...new Set([...Object.keys(declared), ...specScopes])]
  const implications = new Map<string, ReadonlyArray<string>>(
    Object.entries(declared).map(([scope, def]) => [scope, def?.includes ?? []])
  )

  const fieldScopes = new Map<string, Map<string, string>>()
  const fieldScopeNotes: Array<string> = []
  for (const [schemaName, schema] of Object.entries(spec["components"]?.["schemas"] ?? {}) as Array<[string, any]>) {
    for (const [field, prop] of Object.entries(schema?.properties ?? {}) as Array<[string, any]>) {
      const m = FIELD_NOTE.exec(String(prop?.description ?? ""))
      if (!m) continue
      const fields = fieldScopes.get(schemaName) ?? new Map<string, string>()
      fields.set(field, m[1] as string)
      fieldScopes.set(schemaName, fields)
    }
  }
  for (const [schemaName, fields] of Object.entries(connector["field_scopes"] ?? {}) as Array<[string, Record<string, string>]>) {
    const known = fieldScopes.get(schemaName) ?? new Map<string, string>()
    for (const [field, scope] of Object.entries(fields)) {
      const fromSpec = known.get(field)
      if (fromSpec !== undefined && fromSpec !== scope) {
        fieldScopeNotes.push(`${schemaName}.${field}: connector.yaml says ${scope}, the spec says ${fromSpec}; using connector.yaml`)
      }
      known.set(field, scope)
    }
    for (const [field, scope] of known) {
      if (!(field in fields)) fieldScopeNotes.push(`${schemaName}.${field}: only the spec restricts it (to ${scope}); connector.yaml field_scopes omits it`)
    }
    fieldScopes.set(schemaName, known)
  }

  const limit = resolve(spec["components"]?.["parameters"]?.["Limit"])
  const limitDefault = Number(limit?.schema?.default ?? 100)
  const limitMax = Number(limit?.schema?.maximum ?? 100)

  const closure = (granted: Iterable<string>): ReadonlySet<string> => {
    const out = new Set<string>()
    const stack = [...granted]
    while (stack.length > 0) {
      const scope = stack.pop() as string
      if (out.has(scope)) continue
      out.add(scope)
      stack.push(...(implications.get(scope) ?? []))
    }
    return out
  }
  const byId = new Map(operations.map((o) => [o.operationId, o]))
  const operation = (operationId: string): ContractOperation => {
    const found = byId.get(operationId)
    if (!found) throw new Error(`no operation ${operationId} in the spec`)
    return found
  }

  const contract: ApiContract = { operations, scopes, implications, fieldScopes, fieldScopeNotes, limitDefault, limitMax, closure, operation }
  cache.set(key, contract)
  return contract
}
