/**
 * `connector.yaml` (decoded) + its OpenAPI description → the `Connector` model, in one pass, or every problem
 * with the document path it concerns. The checks a schema cannot express live here: every name refers to
 * something declared, implications and parents form no cycle, the manifest agrees with the OpenAPI
 * description, and each stream's parts combine into something the reader can run.
 */
import { Either } from "effect"
import type { Endpoint, Manifest } from "../manifest/Manifest.js"
import { makeRecordSchemas, RecordSchemaError, type RecordSource } from "../records/RecordSchemas.js"
import { closure, minimal, scopeGraph } from "../scopes/ScopeAlgebra.js"
import { operationAt, pathParams, type OpenApiSpec, type SpecOperation } from "../spec/OpenApiSpec.js"
import { batchContract } from "./batchContract.js"
import type {
  ActionModel,
  Connector,
  EndpointModel,
  HealthcheckModel,
  IncrementalCursor,
  Paginator,
  Partitioning,
  StreamModel
} from "./Connector.js"
import { findCycle, formatPath, type Path, type PathProblem, quotedList } from "./problems.js"
import { checkSafety, checkSensitiveFields } from "./safety.js"

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x) => b.includes(x))

/** `#tag/Time-Off/operation/list_time_off_requests`: where the reference documentation puts an operation. */
const defaultDocs = (operation: SpecOperation | undefined, id: string): string =>
  operation?.tag === undefined ? `#operation/${id}` : `#tag/${operation.tag.replace(/\s+/g, "-")}/operation/${id}`

/** A stream before its required scopes and record schema are known. */
type Draft = Omit<StreamModel, "requiredScopes"> & { readonly at: Path }

/** Resolve a decoded manifest against its OpenAPI description. */
export const resolveConnector = (
  file: string,
  manifest: Manifest,
  spec: OpenApiSpec
): Either.Either<Connector, Array<PathProblem>> => {
  const problems: Array<PathProblem> = []
  const report = (reason: PathProblem["reason"], path: Path, message: string, atKey = false) =>
    problems.push({ reason, path, message, atKey })

  const graph = scopeGraph(manifest)
  const declared = new Set(Object.keys(manifest.scopes))
  const checkScopes = (path: Path, scopes: ReadonlyArray<string>) =>
    scopes.forEach((scope, i) => {
      if (!declared.has(scope)) report("Reference", [...path, i], `unknown scope "${scope}"; declared scopes: ${quotedList(declared)}`)
    })
  const docsUrl = (docs: string) => (/^https?:\/\//.test(docs) ? docs : `${manifest.connector.docs_url}${docs}`)

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
  const scopeCycle = findCycle(Object.keys(manifest.scopes), (s) => manifest.scopes[s]?.includes ?? [])
  if (scopeCycle !== undefined) {
    report("Reference", ["scopes", scopeCycle[0]!, "includes"], `scope implications form a cycle: ${scopeCycle.join(" → ")}`)
  }
  for (const [name, preset] of Object.entries(manifest.presets)) checkScopes(["presets", name, "scopes"], preset.scopes)

  // endpoints: each an operation of the spec, named after it, with its scopes
  const specByKey = new Map(spec.operations.map((op) => [`${op.method} ${op.path}`, op]))
  const used = new Map<string, Path>()
  const endpoints = new Map<string, EndpointModel>()
  const queryParam = (op: SpecOperation, name: string) => op.parameters.some((p) => p.in === "query" && p.name === name)
  const requireQueryParam = (op: SpecOperation | undefined, path: Path, name: string) => {
    if (op !== undefined && !queryParam(op, name)) {
      report("Spec", path, `query parameter "${name}" is not declared for ${op.method} ${op.path} in ${spec.file}`)
    }
  }
  for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
    const at = ["endpoints", id]
    const method = endpoint.method ?? manifest.defaults.endpoint.method
    const op = specByKey.get(`${method} ${endpoint.path}`)
    checkScopes([...at, "scopes"], endpoint.scopes)
    if (op === undefined) {
      report("Spec", [...at, "path"], `${method} ${endpoint.path} is not an operation of ${spec.file}`)
      continue
    }
    used.set(op.operationId, at)
    if (op.operationId !== id) {
      report("Spec", at, `endpoint "${id}" is ${method} ${endpoint.path}, whose operationId in ${spec.file} is "${op.operationId}": name the endpoint after it`, true)
    }
    const specScopes = op.scopes ?? []
    if (!sameSet(specScopes, endpoint.scopes)) {
      report("Spec", [...at, "scopes"], `scopes [${endpoint.scopes.join(", ")}] differ from the operation's security in ${spec.file}: [${specScopes.join(", ")}]`)
    }
    endpoints.set(id, {
      id,
      method,
      path: endpoint.path,
      pathParams: pathParams(endpoint.path),
      repeatable: endpoint.repeatable ?? (method !== "POST" && method !== "PATCH"),
      scopes: endpoint.scopes,
      docsUrl: docsUrl(endpoint.docs ?? defaultDocs(op, id)),
      operation: op
    })
  }

  // streams: each endpoint with a stream name, and the streams derived out of its records
  const paginators = manifest.defaults.paginators
  const declaredStreams = new Map<string, Path>()
  for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
    if (endpoint.stream !== undefined) {
      const first = declaredStreams.get(endpoint.stream)
      if (first !== undefined) report("Reference", ["endpoints", id, "stream"], `duplicate stream name "${endpoint.stream}" (already declared at ${formatPath(first)})`)
      else declaredStreams.set(endpoint.stream, ["endpoints", id, "stream"])
    }
    for (const name of Object.keys(endpoint.derive ?? {})) {
      const first = declaredStreams.get(name)
      if (first !== undefined) report("Reference", ["endpoints", id, "derive", name], `duplicate stream name "${name}" (already declared at ${formatPath(first)})`)
      else declaredStreams.set(name, ["endpoints", id, "derive", name])
    }
  }
  const streamNames = [...declaredStreams.keys()]

  /** The endpoint of a stream declared on an endpoint of its own (not derived), if it resolved. */
  const inputEndpoint = (stream: string): EndpointModel | undefined => {
    const entry = Object.entries(manifest.endpoints).find(([, e]) => e.stream === stream)
    return entry === undefined ? undefined : endpoints.get(entry[0])
  }

  const paginatorOf = (at: Path, endpoint: Endpoint, op: SpecOperation): Paginator | undefined => {
    const explicit = endpoint.paginator
    if (explicit === "none") return undefined
    const name = explicit ?? manifest.defaults.endpoint.paginator
    if (name === undefined) return undefined
    const paginator = paginators[name]
    if (paginator === undefined) {
      const path = explicit === undefined ? ["defaults", "endpoint", "paginator"] : [...at, "paginator"]
      report("Reference", path, `unknown paginator "${name}"; declared paginators: ${quotedList(Object.keys(paginators))}`)
      return undefined
    }
    // the default applies where the operation is paginated the paginator's way
    if (explicit === undefined && !queryParam(op, paginator.cursor_param)) return undefined
    requireQueryParam(op, [...at, "paginator"], paginator.cursor_param)
    requireQueryParam(op, [...at, "paginator"], paginator.limit_param)
    return {
      name,
      cursorParam: paginator.cursor_param,
      limitParam: paginator.limit_param,
      pageSize: paginator.page_size,
      nextCursor: paginator.next_cursor,
      maxPages: paginator.max_pages
    }
  }

  const partitioningOf = (at: Path, endpoint: Endpoint, model: EndpointModel): Partitioning => {
    const { parent, windows, report: asyncReport } = endpoint
    const given = (["parent", "windows", "report"] as const).filter((key) => endpoint[key] !== undefined)
    if (given.length > 1) {
      report("Shape", [...at, given[1]!], `a stream is read in one way: "${given[0]}" and "${given[1]}" cannot be combined`, true)
    }
    const filled = new Set<string>()
    let partitioning: Partitioning = { _tag: "None" }
    if (parent !== undefined) {
      if (!declaredStreams.has(parent.stream)) {
        report("Reference", [...at, "parent", "stream"], `unknown parent stream "${parent.stream}"; declared streams: ${quotedList(streamNames)}`)
      }
      if (!model.pathParams.includes(parent.param)) {
        report("Reference", [...at, "parent", "param"], `"${parent.param}" is not a parameter of the path ${model.path}`)
      }
      filled.add(parent.param)
      partitioning = { _tag: "Parent", parent: parent.stream, field: parent.field, param: parent.param }
    } else if (windows !== undefined) {
      requireQueryParam(model.operation, [...at, "windows", "start_param"], windows.start_param)
      requireQueryParam(model.operation, [...at, "windows", "end_param"], windows.end_param)
      partitioning = {
        _tag: "DateWindows",
        startParam: windows.start_param,
        endParam: windows.end_param,
        step: windows.step,
        recordField: windows.record_field,
        lookahead: windows.lookahead
      }
    } else if (asyncReport !== undefined) {
      const create = endpoints.get(asyncReport.create)
      if (manifest.endpoints[asyncReport.create] === undefined) {
        report("Reference", [...at, "report", "create"], `unknown endpoint "${asyncReport.create}"`)
      }
      if (!model.pathParams.includes(asyncReport.param)) {
        report("Reference", [...at, "report", "param"], `"${asyncReport.param}" is not a parameter of the path ${model.path}`)
      }
      filled.add(asyncReport.param)
      const forEach = asyncReport.for_each.map((input) => (typeof input === "string" ? { stream: input, query: {} } : input))
      forEach.forEach(({ stream, query }, i) => {
        const path = typeof asyncReport.for_each[i] === "string" ? [...at, "report", "for_each", i] : [...at, "report", "for_each", i, "stream"]
        if (!declaredStreams.has(stream)) {
          report("Reference", path, `unknown stream "${stream}"; declared streams: ${quotedList(streamNames)}`)
          return
        }
        const input = inputEndpoint(stream)
        if (input === undefined) return
        for (const name of Object.keys(query)) requireQueryParam(input.operation, [...at, "report", "for_each", i, "query", name], name)
      })
      const inputNames = forEach.map((input) => input.stream)
      for (const [key, template] of Object.entries(asyncReport.body)) {
        for (const [, ref] of template.matchAll(/\{([^}]+)\}/g)) {
          const stream = ref!.split(".")[0]!
          if (ref !== "today" && (!inputNames.includes(stream) || !ref!.includes("."))) {
            report("Reference", [...at, "report", "body", key], `placeholder {${ref}} is neither {today} nor {<stream>.<field>} of a for_each stream (${inputNames.join(", ") || "none"})`)
          }
        }
      }
      if (create !== undefined) {
        partitioning = {
          _tag: "Report",
          create,
          forEach,
          body: asyncReport.body,
          idField: asyncReport.id_field,
          param: asyncReport.param,
          statusField: asyncReport.status_field,
          ready: asyncReport.ready,
          failed: asyncReport.failed,
          pollInterval: asyncReport.poll_interval,
          pollMaxInterval: asyncReport.poll_max_interval,
          timeout: asyncReport.timeout
        }
      }
    }
    for (const param of model.pathParams) {
      if (!filled.has(param)) {
        report("Reference", [...at, "path"], `stream "${endpoint.stream}" has no value for path parameter {${param}}: declare a parent (or report) that fills it`)
      }
    }
    return partitioning
  }

  const cursorOf = (at: Path, endpoint: Endpoint, model: EndpointModel, partitioning: Partitioning): IncrementalCursor | undefined => {
    const incremental = endpoint.incremental
    if (incremental === undefined) return undefined
    const here = [...at, "incremental"]
    const kinds = [
      incremental.cursor_field !== undefined || incremental.request_param !== undefined ? "cursor_field" : undefined,
      incremental.lookback !== undefined ? "lookback" : undefined,
      incremental.parent !== undefined ? "parent" : undefined,
      incremental.snapshot !== undefined ? "snapshot" : undefined
    ].filter((k) => k !== undefined)
    if (kinds.length !== 1) {
      report("Shape", here, kinds.length === 0
        ? "declare one kind: cursor_field + request_param, lookback, parent or snapshot"
        : `one kind only: ${kinds.join(" and ")} cannot be combined`, true)
      return undefined
    }
    const readBy = partitioning._tag === "Parent" ? "per parent record" : partitioning._tag === "DateWindows" ? "in date windows" : partitioning._tag === "Report" ? "through a report" : "in one request or its pages"
    const misfit = (key: string, needs: string) => {
      report("Shape", [...here, key], `"${key}" applies to a stream read ${needs}; this one is read ${readBy}`)
      return undefined
    }
    if (kinds[0] === "cursor_field") {
      if (incremental.cursor_field === undefined || incremental.request_param === undefined) {
        report("Shape", here, "cursor_field and request_param go together: the record field, and the query parameter filtering by it", true)
        return undefined
      }
      if (partitioning._tag !== "None") return misfit("request_param", "in one request or its pages")
      requireQueryParam(model.operation, [...here, "request_param"], incremental.request_param)
      return { _tag: "Filter", field: incremental.cursor_field, requestParam: incremental.request_param }
    }
    if (kinds[0] === "lookback") {
      if (partitioning._tag !== "DateWindows") return misfit("lookback", "in date windows")
      if (partitioning.recordField === undefined) {
        report("Shape", [...at, "windows"], "an incremental date-windowed stream needs windows.record_field: the record date its cursor follows", true)
        return undefined
      }
      return { _tag: "Window", field: partitioning.recordField, lookback: incremental.lookback! }
    }
    if (kinds[0] === "parent") {
      if (partitioning._tag !== "Parent") return misfit("parent", "per parent record")
      const parent = manifest.endpoints[Object.keys(manifest.endpoints).find((id) => manifest.endpoints[id]!.stream === partitioning.parent) ?? ""]
      if (parent !== undefined && parent.incremental === undefined) {
        report("Shape", [...here, "parent"], `the parent stream "${partitioning.parent}" is not read incrementally: a child cannot follow it`)
        return undefined
      }
      return { _tag: "Parent", onlyNew: incremental.parent === "new" }
    }
    if (partitioning._tag !== "Report") return misfit("snapshot", "through a report")
    return { _tag: "Snapshot" }
  }

  const drafts: Array<Draft> = []
  for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
    const at = ["endpoints", id]
    if (endpoint.stream === undefined) {
      for (const key of ["paginator", "primary_key", "incremental", "parent", "windows", "report", "derive"] as const) {
        if (endpoint[key] !== undefined) report("Shape", [...at, key], `"${key}" only applies to an endpoint with a "stream" name`, true)
      }
      continue
    }
    const model = endpoints.get(id)
    if (model === undefined) continue // not an operation of the spec: reported
    const paginator = paginatorOf(at, endpoint, model.operation)
    const partitioning = partitioningOf(at, endpoint, model)
    const cursor = cursorOf(at, endpoint, model, partitioning)
    const primaryKey = endpoint.primary_key ?? manifest.defaults.endpoint.primary_key
    const syntheticKey = endpoint.synthetic_key
    if (syntheticKey !== undefined && !primaryKey.includes(syntheticKey.field)) {
      report("Shape", [...at, "synthetic_key", "field"], `"${syntheticKey.field}" is added to be a key: name it in primary_key`)
    }
    const own: Draft = {
      at,
      name: endpoint.stream,
      endpoint: model,
      records: endpoint.records ?? (paginator === undefined ? undefined : paginators[paginator.name]?.records) ?? "$",
      derivedFrom: undefined,
      primaryKey,
      scopes: endpoint.scopes,
      docsUrl: model.docsUrl,
      paginator,
      partitioning,
      cursor,
      syncModes: cursor === undefined ? ["full_refresh"] : ["full_refresh", "incremental"],
      cursorField: cursor?._tag === "Filter" || cursor?._tag === "Window" ? cursor.field : undefined,
      syntheticKey
    }
    drafts.push(own)
    for (const [name, derived] of Object.entries(endpoint.derive ?? {})) {
      checkScopes([...at, "derive", name, "scopes"], derived.scopes)
      drafts.push({
        ...own,
        at: [...at, "derive", name],
        name,
        records: derived.records,
        derivedFrom: endpoint.stream,
        primaryKey: derived.primary_key ?? primaryKey,
        scopes: [...new Set([...endpoint.scopes, ...derived.scopes])],
        docsUrl: derived.docs === undefined ? model.docsUrl : docsUrl(derived.docs),
        // records selected out of another stream's responses follow no cursor of their own
        cursor: undefined,
        syncModes: ["full_refresh"],
        cursorField: undefined,
        syntheticKey: undefined
      })
    }
  }
  const draftByName = new Map(drafts.map((d) => [d.name, d]))

  // parents form no cycle
  const parentOf = (d: Draft) => d.derivedFrom ?? (d.partitioning._tag === "Parent" ? d.partitioning.parent : undefined)
  const parentCycle = findCycle(drafts.map((d) => d.name), (name) => {
    const d = draftByName.get(name)
    const p = d === undefined ? undefined : parentOf(d)
    return p === undefined ? [] : [p]
  })
  if (parentCycle !== undefined) {
    report("Reference", [...draftByName.get(parentCycle[0]!)!.at, "parent", "stream"], `parent streams form a cycle: ${parentCycle.join(" → ")}`)
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
  for (const operationId of Object.keys(manifest.excluded_operations)) {
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

  // actions call a real endpoint
  const actions = new Map<string, ActionModel>()
  for (const [id, declaredAction] of Object.entries(manifest.actions)) {
    const at = ["actions", id]
    const action = declaredAction ?? { scopes: [] }
    checkScopes([...at, "scopes"], action.scopes)
    const endpointId = action.endpoint ?? id
    const endpoint = endpoints.get(endpointId)
    if (manifest.endpoints[endpointId] === undefined) {
      report("Reference", action.endpoint === undefined ? at : [...at, "endpoint"], `action "${id}" calls unknown endpoint "${endpointId}"`, action.endpoint === undefined)
    }
    if (endpoint === undefined) continue
    const batch = action.batch === undefined ? undefined : batchContract(spec, manifest.defaults.batch, id, action.batch, endpoint)
    if (batch !== undefined && Either.isLeft(batch)) problems.push(...batch.left)
    actions.set(id, {
      id,
      endpoint,
      scopes: graph.actions[id] ?? endpoint.scopes,
      description: action.description,
      batch: batch === undefined || Either.isLeft(batch) ? undefined : batch.right
    })
  }

  problems.push(...checkSensitiveFields(manifest, spec), ...checkSafety(manifest))

  manifest.healthchecks.forEach((check, i) => {
    if (!draftByName.has(check.stream)) {
      report("Reference", ["healthchecks", i, "stream"], `unknown stream "${check.stream}"; declared streams: ${quotedList(streamNames)}`)
    }
  })

  if (problems.length > 0) return Either.left(problems)

  // every scope reading a stream takes: its own, its parent's, a report's create call and inputs'
  const required = new Map<string, ReadonlyArray<string>>()
  const requiredOf = (name: string, seen: ReadonlySet<string>): ReadonlyArray<string> => {
    const known = required.get(name)
    if (known !== undefined) return known
    const d = draftByName.get(name)!
    const needed = new Set(d.scopes)
    const next = new Set(seen).add(name)
    const visit = (other: string) => {
      if (!next.has(other)) requiredOf(other, next).forEach((s) => needed.add(s))
    }
    const p = d.partitioning
    if (p._tag === "Parent") visit(p.parent)
    if (p._tag === "Report") {
      p.create.scopes.forEach((s) => needed.add(s))
      p.forEach.forEach((input) => visit(input.stream))
    }
    const ordered = Object.keys(manifest.scopes).filter((s) => needed.has(s))
    required.set(name, ordered)
    return ordered
  }
  const streams: Array<StreamModel> = drafts.map(({ at: _at, ...d }) => ({ ...d, requiredScopes: requiredOf(d.name, new Set()) }))
  const streamByName = new Map(streams.map((s) => [s.name, s]))

  const sources: Array<RecordSource> = streams.map((s) => ({
    stream: s.name,
    method: s.endpoint.method,
    path: s.endpoint.path,
    records: s.records,
    added: [
      ...(s.partitioning._tag === "Parent"
        ? [{ name: s.partitioning.param, description: `The ${s.partitioning.field} of the parent ${s.partitioning.parent} record, added by the connector.` }]
        : []),
      ...(s.syntheticKey === undefined
        ? []
        : [{ name: s.syntheticKey.field, description: `${s.syntheticKey.from.join(" / ")} (empty when null), added by the connector as a key.` }])
    ]
  }))
  let records
  try {
    records = makeRecordSchemas(sources, spec.document, manifest.field_scopes, (scopes) => closure(graph, scopes))
  } catch (e) {
    if (!(e instanceof RecordSchemaError)) throw e
    const draft = drafts.find((d) => e.message.startsWith(`stream ${d.name}:`))
    return Either.left([{ reason: "Spec", path: draft === undefined ? ["endpoints"] : [...draft.at, "records"], message: e.message }])
  }

  const healthchecks: Array<HealthcheckModel> = manifest.healthchecks.map((check) => {
    const stream = streamByName.get(check.stream)!
    return { name: check.name, stream, scopes: minimal(graph, stream.requiredScopes) }
  })

  return Either.right({
    file,
    name: manifest.connector.name,
    title: manifest.connector.title,
    description: manifest.connector.description,
    docsUrl: manifest.connector.docs_url,
    spec,
    auth: manifest.auth,
    scopeGraph: graph,
    requester: manifest.defaults.requester,
    retry: manifest.defaults.retry,
    concurrency: manifest.defaults.concurrency,
    endpoints,
    streams,
    streamByName,
    actions,
    healthchecks,
    excludedOperations: manifest.excluded_operations,
    fieldScopes: manifest.field_scopes,
    sensitiveFields: manifest.sensitive_fields,
    records
  })
}
