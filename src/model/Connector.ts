/**
 * The connector as the runtime reads it: `connector.yaml` resolved once against its OpenAPI description, with
 * every default applied and every reference followed. Everything downstream (the reader, the HTTP pipeline,
 * discover, summaries, actions, healthchecks) reads this model; nothing reads the raw manifest again.
 *
 * A stream is four orthogonal parts: the request (its endpoint and record selector), a paginator or none, a
 * partitioning (none, per parent record, date windows or an asynchronous report) and an incremental cursor
 * or none. `resolveConnector` refuses the combinations the reader cannot run.
 */
import type { Duration } from "effect"
import type { Auth, BatchDefaults, HttpMethod, Requester, RetryPolicy, RowRule } from "../manifest/Manifest.js"
import type { RecordSchemas } from "../records/RecordSchemas.js"
import type { ScopeGraph } from "../scopes/ScopeAlgebra.js"
import type { OpenApiSpec, SpecOperation } from "../spec/OpenApiSpec.js"

/** One operation of the API, as the connector calls it. */
export interface EndpointModel {
  /** the spec's operationId */
  readonly id: string
  readonly method: HttpMethod
  /** the path template, e.g. `/v1/payrolls/{payroll_id}/paystubs` */
  readonly path: string
  readonly pathParams: ReadonlyArray<string>
  /** may be sent again after an unclear failure (server error, lost connection, timeout) */
  readonly repeatable: boolean
  /** the operation's scopes */
  readonly scopes: ReadonlyArray<string>
  readonly docsUrl: string
  readonly operation: SpecOperation
}

export interface Paginator {
  readonly name: string
  readonly cursorParam: string
  readonly limitParam: string
  readonly pageSize: number
  /** where the next page's cursor is in a response */
  readonly nextCursor: string
  readonly maxPages: number
}

/** How a stream's requests are made: once, per parent record, per date window, or through a report. */
export type Partitioning =
  | { readonly _tag: "None" }
  | {
    readonly _tag: "Parent"
    /** the parent stream */
    readonly parent: string
    /** the parent record field passed down */
    readonly field: string
    /** the path parameter it fills; child records carry it under this name */
    readonly param: string
  }
  | {
    readonly _tag: "DateWindows"
    readonly startParam: string
    readonly endParam: string
    readonly step: Duration.Duration
    /** record date that places a record in exactly one window */
    readonly recordField: string | undefined
    /** read this far past today */
    readonly lookahead: Duration.Duration | undefined
  }
  | {
    readonly _tag: "Report"
    /** the endpoint that starts a report */
    readonly create: EndpointModel
    /** streams whose records (every combination) each get a report, read with these query parameters */
    readonly forEach: ReadonlyArray<{ readonly stream: string; readonly query: Readonly<Record<string, string>> }>
    readonly body: Readonly<Record<string, string>>
    readonly idField: string
    readonly param: string
    readonly statusField: string
    readonly ready: string
    readonly failed: string
    readonly pollInterval: Duration.Duration
    readonly pollMaxInterval: Duration.Duration
    readonly timeout: Duration.Duration
  }

/**
 * How a stream is read incrementally:
 * - `Filter`: records at or after a cursor, asked for with a query parameter;
 * - `Window`: date windows from the greatest date read (capped at today) minus a lookback;
 * - `Parent`: a child read for the records its parent's incremental read returns, or (`onlyNew`) only for
 *   parent records it has not read before;
 * - `Snapshot`: a report taken once a day.
 */
export type IncrementalCursor =
  | {
    readonly _tag: "Filter"
    /** the record field whose value only grows */
    readonly field: string
    /** the query parameter that filters by it (records at or after the value) */
    readonly requestParam: string
  }
  | {
    readonly _tag: "Window"
    /** the record date that places a record in its window */
    readonly field: string
    readonly lookback: Duration.Duration
  }
  | { readonly _tag: "Parent"; readonly onlyNew: boolean }
  | { readonly _tag: "Snapshot" }

export type SyncMode = "full_refresh" | "incremental"

export interface StreamModel {
  readonly name: string
  readonly endpoint: EndpointModel
  /** where the records are in a response */
  readonly records: string
  /** set for a stream selected out of another stream's responses (the same requests) */
  readonly derivedFrom: string | undefined
  /** fields identifying a record; [] for a stream of one record, replaced whole */
  readonly primaryKey: ReadonlyArray<string>
  /** the scopes its endpoint and record selection need */
  readonly scopes: ReadonlyArray<string>
  /** every scope reading the stream takes (its parent's, a report's inputs' …), in declaration order */
  readonly requiredScopes: ReadonlyArray<string>
  readonly docsUrl: string
  readonly paginator: Paginator | undefined
  readonly partitioning: Partitioning
  readonly cursor: IncrementalCursor | undefined
  readonly syncModes: ReadonlyArray<SyncMode>
  /** the record field Airbyte destinations see as the cursor, if there is one */
  readonly cursorField: string | undefined
  /** a key field the connector adds to each record (its parts can be null; the key cannot) */
  readonly syntheticKey: { readonly field: string; readonly from: ReadonlyArray<string> } | undefined
}

/** How a batch action's rows are sent and its per-row results read. */
export interface BatchContract {
  readonly action: string
  readonly endpointId: string
  readonly method: string
  readonly path: string
  /** the body's array property: the request body is `{ [itemsField]: [...items] }` */
  readonly itemsField: string
  readonly size: number
  readonly results: BatchDefaults
  /** the row field reported with each result (idempotency key, else the declared key) */
  readonly keyField: string | undefined
  readonly idempotencyKey: string | undefined
  /** send this row field's value rather than the row */
  readonly itemField: string | undefined
  readonly unchangedWhen: string | undefined
  readonly rules: ReadonlyArray<RowRule>
  /** JSON Schema of a row (the idempotency key optional: it is derived when absent) */
  readonly rowSchema: Readonly<Record<string, unknown>>
  /** the fields a row may have */
  readonly rowFields: ReadonlyArray<string>
}

export interface ActionModel {
  readonly id: string
  readonly endpoint: EndpointModel
  /** every scope it needs: its endpoint's and its own extras */
  readonly scopes: ReadonlyArray<string>
  readonly description: string | undefined
  readonly batch: BatchContract | undefined
}

export interface HealthcheckModel {
  readonly name: string
  readonly stream: StreamModel
  /** the smallest scope set that reads the stream */
  readonly scopes: ReadonlyArray<string>
}

export interface Connector {
  /** the manifest file it was read from (for messages) */
  readonly file: string
  readonly name: string
  readonly title: string
  readonly description: string
  readonly docsUrl: string
  readonly spec: OpenApiSpec
  readonly auth: Auth
  readonly scopeGraph: ScopeGraph
  readonly requester: Requester
  readonly retry: RetryPolicy
  /** independent streams read at once; child requests in flight per child stream */
  readonly concurrency: { readonly streams: number; readonly substreams: number }
  readonly endpoints: ReadonlyMap<string, EndpointModel>
  /** in manifest order */
  readonly streams: ReadonlyArray<StreamModel>
  readonly streamByName: ReadonlyMap<string, StreamModel>
  readonly actions: ReadonlyMap<string, ActionModel>
  readonly healthchecks: ReadonlyArray<HealthcheckModel>
  /** per spec record schema: the fields returned only with a scope beyond the endpoint's */
  readonly fieldScopes: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** per spec record schema: dotted paths of fields holding personal or secret data */
  readonly sensitiveFields: Readonly<Record<string, ReadonlyArray<string>>>
  /** spec operationId → why the connector does not use it */
  readonly excludedOperations: Readonly<Record<string, string>>
  /** each stream's record schema, out of the OpenAPI description */
  readonly records: RecordSchemas
}
