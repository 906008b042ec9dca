/**
 * The checks a schema cannot express: every name refers to something declared, implications have no
 * cycles, the manifest agrees with the OpenAPI description, and scopes cover what they are meant to.
 * Each problem is reported with the document path it concerns; the loader turns paths into lines.
 */
import { Duration } from "effect"
import type { Manifest } from "./Manifest.js"
import type { ManifestErrorReason } from "./ManifestError.js"
import { endpointMethod, streamsOf } from "./streams.js"
import { isHttpUrl, isLoopbackRedirect } from "../http/urls.js"
import { isJsonObject, mergeSchemas } from "../records/jsonSchemaToEffect.js"
import { closure, covers } from "../scopes/ScopeAlgebra.js"
import { operationAt, pathParams, type OpenApiSpec, type SpecOperation } from "../spec/OpenApiSpec.js"
import { batchContract } from "../writes/BatchContract.js"

export type Path = ReadonlyArray<string | number>

export interface PathProblem {
  readonly reason: ManifestErrorReason
  readonly path: Path
  /** point at the key of the last path segment rather than its value */
  readonly atKey?: boolean
  readonly message: string
}

const list = (names: Iterable<string>) => [...names].map((n) => `"${n}"`).join(", ")
const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x) => b.includes(x))

/** Check a decoded manifest against itself and its OpenAPI description. */
export const checkManifest = (manifest: Manifest, spec: OpenApiSpec): Array<PathProblem> => {
  const problems: Array<PathProblem> = []
  const report = (reason: ManifestErrorReason, path: Path, message: string, atKey = false) =>
    problems.push({ reason, path, message, atKey })

  const declared = new Set(Object.keys(manifest.scopes))
  const checkScopes = (path: Path, scopes: ReadonlyArray<string>) =>
    scopes.forEach((scope, i) => {
      if (!declared.has(scope)) report("Reference", [...path, i], `unknown scope "${scope}"; declared scopes: ${list(declared)}`)
    })

  // scopes: implications refer to declared scopes, form no cycle, and the scope set equals the spec's
  for (const [scope, def] of Object.entries(manifest.scopes)) {
    checkScopes(["scopes", scope, "includes"], def.includes ?? [])
    if (spec.scopes.length > 0 && !spec.scopes.includes(scope)) {
      report("Spec", ["scopes", scope], `scope "${scope}" is not a scope of the OpenAPI security scheme in ${spec.file}`, true)
    }
  }
  for (const scope of spec.scopes) {
    if (!declared.has(scope)) report("Spec", ["scopes"], `the OpenAPI security scheme declares scope "${scope}", which the manifest does not`)
  }
  const cycle = findCycle(Object.keys(manifest.scopes), (s) => manifest.scopes[s]?.includes ?? [])
  if (cycle !== undefined) {
    report("Reference", ["scopes", cycle[0]!, "includes"], `scope implications form a cycle: ${cycle.join(" → ")}`)
  }

  for (const [name, preset] of Object.entries(manifest.presets)) checkScopes(["presets", name, "scopes"], preset.scopes)

  // endpoints against the spec
  const byKey = (op: { method: string; path: string }) => `${op.method} ${op.path}`
  const specByKey = new Map(spec.operations.map((op) => [byKey(op), op]))
  const used = new Map<string, Path>()
  const paginators = manifest.defaults.paginators
  const streamNames = new Set(streamsOf(manifest).map((s) => s.name))
  const query = (op: SpecOperation | undefined, name: string) =>
    op === undefined || op.parameters.some((p) => p.in === "query" && p.name === name)
  const requireQueryParam = (op: SpecOperation | undefined, path: Path, name: string) => {
    if (!query(op, name)) {
      report("Spec", path, `query parameter "${name}" is not declared for ${op!.method} ${op!.path} in ${spec.file}`)
    }
  }

  const seenStreams = new Map<string, string>()
  const claimStream = (name: string, path: Path) => {
    const first = seenStreams.get(name)
    if (first !== undefined) report("Reference", path, `duplicate stream name "${name}" (already declared at ${first})`)
    else seenStreams.set(name, formatPath(path))
  }

  for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
    const at = ["endpoints", id]
    const method = endpointMethod(manifest, endpoint)
    const op = specByKey.get(`${method} ${endpoint.path}`)
    checkScopes([...at, "scopes"], endpoint.scopes)
    if (op === undefined) {
      report("Spec", [...at, "path"], `${method} ${endpoint.path} is not an operation of ${spec.file}`)
    } else {
      used.set(op.operationId, at)
      if (op.operationId !== id) {
        report("Spec", at, `endpoint "${id}" is ${method} ${endpoint.path}, whose operationId in ${spec.file} is "${op.operationId}": name the endpoint after it`, true)
      }
      const specScopes = op.scopes ?? []
      if (!sameSet(specScopes, endpoint.scopes)) {
        report("Spec", [...at, "scopes"], `scopes [${endpoint.scopes.join(", ")}] differ from the operation's security in ${spec.file}: [${specScopes.join(", ")}]`)
      }
    }
    if (endpoint.paginator !== undefined) {
      const paginator = paginators[endpoint.paginator]
      if (paginator === undefined) {
        report("Reference", [...at, "paginator"], `unknown paginator "${endpoint.paginator}"; declared paginators: ${list(Object.keys(paginators))}`)
      } else {
        requireQueryParam(op, [...at, "paginator"], paginator.cursor_param)
        requireQueryParam(op, [...at, "paginator"], paginator.limit_param)
      }
    }
    if (endpoint.incremental !== undefined) requireQueryParam(op, [...at, "incremental", "request_param"], endpoint.incremental.request_param)
    if (endpoint.windows !== undefined) {
      requireQueryParam(op, [...at, "windows", "start_param"], endpoint.windows.start_param)
      requireQueryParam(op, [...at, "windows", "end_param"], endpoint.windows.end_param)
    }
    const params = pathParams(endpoint.path)
    const filled = new Set<string>()
    if (endpoint.parent !== undefined) {
      if (!streamNames.has(endpoint.parent.stream)) {
        report("Reference", [...at, "parent", "stream"], `unknown parent stream "${endpoint.parent.stream}"; declared streams: ${list(streamNames)}`)
      }
      if (!params.includes(endpoint.parent.param)) {
        report("Reference", [...at, "parent", "param"], `"${endpoint.parent.param}" is not a parameter of the path ${endpoint.path}`)
      }
      filled.add(endpoint.parent.param)
    }
    if (endpoint.report !== undefined) {
      if (manifest.endpoints[endpoint.report.create] === undefined) {
        report("Reference", [...at, "report", "create"], `unknown endpoint "${endpoint.report.create}"`)
      }
      if (!params.includes(endpoint.report.param)) {
        report("Reference", [...at, "report", "param"], `"${endpoint.report.param}" is not a parameter of the path ${endpoint.path}`)
      }
      filled.add(endpoint.report.param)
      const forEach = endpoint.report.for_each
      forEach.forEach((name, i) => {
        if (!streamNames.has(name)) report("Reference", [...at, "report", "for_each", i], `unknown stream "${name}"; declared streams: ${list(streamNames)}`)
      })
      for (const [key, template] of Object.entries(endpoint.report.body)) {
        for (const [, ref] of template.matchAll(/\{([^}]+)\}/g)) {
          const stream = ref!.split(".")[0]!
          if (ref !== "today" && (!forEach.includes(stream) || !ref!.includes("."))) {
            report("Reference", [...at, "report", "body", key], `placeholder {${ref}} is neither {today} nor {<stream>.<field>} of a for_each stream (${forEach.join(", ") || "none"})`)
          }
        }
      }
    }
    if (endpoint.stream !== undefined) {
      claimStream(endpoint.stream, [...at, "stream"])
      for (const param of params) {
        if (!filled.has(param)) {
          report("Reference", [...at, "path"], `stream "${endpoint.stream}" has no value for path parameter {${param}}: declare a parent (or report) that fills it`)
        }
      }
      if (endpoint.windows !== undefined && endpoint.parent !== undefined) {
        report("Shape", [...at, "windows"], "an endpoint read per parent record cannot also be read in date windows")
      }
    } else {
      for (const key of ["paginator", "primary_key", "incremental", "parent", "windows", "report", "derive"] as const) {
        if (endpoint[key] !== undefined) report("Shape", [...at, key], `"${key}" only applies to an endpoint with a "stream" name`, true)
      }
    }
    for (const [name, derived] of Object.entries(endpoint.derive ?? {})) {
      claimStream(name, [...at, "derive", name])
      checkScopes([...at, "derive", name, "scopes"], derived.scopes)
    }
  }

  // parents form no cycle
  const streams = streamsOf(manifest)
  const parentOf = new Map(streams.map((s) => [s.name, s.derivedFrom ?? s.endpoint.parent?.stream]))
  const parentCycle = findCycle([...parentOf.keys()], (s) => {
    const p = parentOf.get(s)
    return p === undefined ? [] : [p]
  })
  if (parentCycle !== undefined) {
    const endpointId = streams.find((s) => s.name === parentCycle[0])!.endpointId
    report("Reference", ["endpoints", endpointId, "parent", "stream"], `parent streams form a cycle: ${parentCycle.join(" → ")}`)
  }

  // auth endpoints count as uses of the spec's OAuth operations
  for (const key of ["token_url", "revoke_url"] as const) {
    const url = manifest.auth[key]
    if (!url.startsWith("/")) continue
    const op = operationAt(spec, "POST", url)
    if (op === undefined) report("Spec", ["auth", key], `POST ${url} is not an operation of ${spec.file}`)
    else used.set(op.operationId, ["auth", key])
  }

  // every spec operation is used or excluded with a reason
  for (const [operationId] of Object.entries(manifest.excluded_operations)) {
    const at = ["excluded_operations", operationId]
    if (!spec.operations.some((o) => o.operationId === operationId)) {
      report("Spec", at, `"${operationId}" is not an operationId of ${spec.file}`, true)
    } else if (used.has(operationId)) {
      report("Spec", at, `"${operationId}" is excluded but used at ${formatPath(used.get(operationId)!)}`, true)
    }
  }
  for (const op of spec.operations) {
    if (!used.has(op.operationId) && manifest.excluded_operations[op.operationId] === undefined) {
      report("Spec", ["endpoints"], `${op.method} ${op.path} (${op.operationId}) of ${spec.file} has no endpoint: add one, or list it under excluded_operations with a reason`, true)
    }
  }

  // field-level scopes name real record schemas and fields
  for (const [schemaName, fields] of Object.entries(manifest.field_scopes)) {
    const schema = spec.schemas[schemaName]
    if (schema === undefined) {
      report("Spec", ["field_scopes", schemaName], `"${schemaName}" is not a schema of ${spec.file}`, true)
      continue
    }
    for (const [field, scope] of Object.entries(fields)) {
      if (!schema.properties.includes(field)) {
        report("Spec", ["field_scopes", schemaName, field], `"${field}" is not a property of ${schemaName} in ${spec.file}`, true)
      }
      if (!declared.has(scope)) report("Reference", ["field_scopes", schemaName, field], `unknown scope "${scope}"`)
    }
  }

  // sensitive fields name real record schemas and fields (a dotted path follows nested objects)
  for (const [schemaName, paths] of Object.entries(manifest.sensitive_fields)) {
    if (spec.schemas[schemaName] === undefined) {
      report("Spec", ["sensitive_fields", schemaName], `"${schemaName}" is not a schema of ${spec.file}`, true)
      continue
    }
    paths.forEach((path, i) => {
      if (!hasFieldPath(spec.document, schemaName, path)) {
        report("Spec", ["sensitive_fields", schemaName, i], `"${path}" is not a property of ${schemaName} in ${spec.file}`)
      }
    })
  }

  problems.push(...checkSafety(manifest))

  // actions call a real endpoint and their scopes cover it
  for (const [id, action] of Object.entries(manifest.actions)) {
    const at = ["actions", id]
    checkScopes([...at, "scopes"], action.scopes)
    const endpointId = action.endpoint ?? id
    const endpoint = manifest.endpoints[endpointId]
    if (endpoint === undefined) {
      report("Reference", action.endpoint === undefined ? at : [...at, "endpoint"], `action "${id}" calls unknown endpoint "${endpointId}"`, action.endpoint === undefined)
    } else if (!covers(manifest, action.scopes, endpoint.scopes)) {
      report("Coverage", [...at, "scopes"], `scopes [${action.scopes.join(", ")}] do not cover endpoint "${endpointId}", which needs [${endpoint.scopes.join(", ")}]`)
    }
    const batch = batchContract(manifest, spec, id, action)
    if (batch !== undefined && batch._tag === "Left") problems.push(...batch.left)
  }

  // healthchecks read a real stream and their scopes cover it
  const streamByName = new Map(streams.map((s) => [s.name, s]))
  manifest.healthchecks.forEach((check, i) => {
    const at = ["healthchecks", i]
    checkScopes([...at, "scopes"], check.scopes)
    const stream = streamByName.get(check.stream)
    if (stream === undefined) {
      report("Reference", [...at, "stream"], `unknown stream "${check.stream}"; declared streams: ${list(streamByName.keys())}`)
    } else if (!covers(manifest, check.scopes, stream.scopes)) {
      report("Coverage", [...at, "scopes"], `scopes [${check.scopes.join(", ")}] (granting ${closure(manifest, check.scopes).join(", ")}) do not cover stream "${stream.name}", which needs [${stream.scopes.join(", ")}]`)
    }
  })

  return problems
}

/** Whether the spec's record schema `schemaName` has the property at the dotted `path`. */
const hasFieldPath = (document: unknown, schemaName: string, path: string): boolean => {
  let node: unknown = { $ref: `#/components/schemas/${schemaName}` }
  for (const segment of path.split(".")) {
    const properties = mergeSchemas(document, [node])["properties"]
    node = isJsonObject(properties) ? properties[segment] : undefined
    if (node === undefined) return false
  }
  return true
}

/**
 * Settings that would make the connector unsafe or inert rather than fail: a timeout of 0 (no deadline), an API
 * or OAuth URL that is not http(s) (`javascript:`), a "loopback" redirect that leaves the machine, a refresh
 * margin that outlasts the token (every use would refresh it).
 */
const checkSafety = (manifest: Manifest): Array<PathProblem> => {
  const problems: Array<PathProblem> = []
  const report = (path: Path, message: string) => problems.push({ reason: "Shape", path, message })
  const requester = manifest.defaults.requester
  for (const key of ["timeout", "response_deadline"] as const) {
    if (Duration.toMillis(requester[key]) <= 0) {
      report(["defaults", "requester", key], `${key} must be longer than 0 (a request would then have no deadline)`)
    }
  }
  const httpUrl = (path: Path, url: string, relativeAllowed: boolean) => {
    if (relativeAllowed && url.startsWith("/")) return
    if (!isHttpUrl(url)) {
      report(path, `${JSON.stringify(url)} is not an http(s) URL${relativeAllowed ? " (nor a path starting with /)" : ""}`)
    }
  }
  httpUrl(["defaults", "requester", "base_url"], requester.base_url, false)
  httpUrl(["auth", "authorize_url"], manifest.auth.authorize_url, false)
  httpUrl(["auth", "token_url"], manifest.auth.token_url, true)
  httpUrl(["auth", "revoke_url"], manifest.auth.revoke_url, true)
  const loopback = manifest.auth.redirect_uris["loopback"]
  if (loopback !== undefined && !isLoopbackRedirect(loopback.replace("{port}", "8976"))) {
    report(
      ["auth", "redirect_uris", "loopback"],
      `${JSON.stringify(loopback)} is not a loopback address: write http://127.0.0.1:{port}/path (or localhost, [::1])`
    )
  }
  const { refresh_ahead, access_token_lifetime } = manifest.auth
  if (Duration.greaterThanOrEqualTo(refresh_ahead, access_token_lifetime)) {
    report(
      ["auth", "refresh_ahead"],
      `refresh_ahead (${Duration.format(refresh_ahead)}) must be shorter than access_token_lifetime (${Duration.format(access_token_lifetime)}): every request would refresh the token`
    )
  }
  return problems
}

/** A cycle in a directed graph, as the list of nodes walked (first node repeated at the end). */
const findCycle = (nodes: ReadonlyArray<string>, edges: (n: string) => ReadonlyArray<string>): Array<string> | undefined => {
  const state = new Map<string, "visiting" | "done">()
  const stack: Array<string> = []
  const visit = (node: string): Array<string> | undefined => {
    if (state.get(node) === "done") return undefined
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, "visiting")
    stack.push(node)
    for (const next of edges(node)) {
      const found = visit(next)
      if (found !== undefined) return found
    }
    stack.pop()
    state.set(node, "done")
    return undefined
  }
  for (const node of nodes) {
    const found = visit(node)
    if (found !== undefined) return found
  }
  return undefined
}

/** `endpoints.list_members.scopes[0]` */
export const formatPath = (path: Path): string =>
  path.reduce<string>(
    (acc, seg) =>
      typeof seg === "number"
        ? `${acc}[${seg}]`
        : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)
        ? acc === "" ? seg : `${acc}.${seg}`
        : `${acc}[${JSON.stringify(seg)}]`,
    ""
  )
