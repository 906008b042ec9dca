/**
 * The model of `connector.yaml`: one Effect Schema from which the TypeScript types, the decoder used by
 * the loader and the editor JSON Schema (`schemas/connector.schema.json`) are all derived.
 */
import { Duration, Schema } from "effect"

const described = <S extends Schema.Annotable.All>(schema: S, description: string): S =>
  schema.annotations({ description }) as S

export const Identifier = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]*$/),
  Schema.annotations({
    identifier: "Identifier",
    description: "a snake_case name: lower-case letters, digits and underscores, starting with a letter"
  })
)

export const ScopeName = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z_]*(\.[a-z][a-z_]*)*:[a-z][a-z_]*$/),
  Schema.annotations({
    identifier: "ScopeName",
    description: "an OAuth scope such as member.basic:read"
  })
)

const DurationString = Schema.String.pipe(
  Schema.pattern(/^\d+(\.\d+)? (millis|seconds?|minutes?|hours?|days?|weeks?)$/),
  Schema.annotations({
    identifier: "Duration",
    description: "a duration such as \"500 millis\", \"30 seconds\", \"24 hours\" or \"30 days\""
  })
)

/** A duration written as "<number> <unit>" in the manifest, a `Duration` in the model. */
export const DurationFromString = Schema.transform(DurationString, Schema.DurationFromSelf, {
  strict: true,
  decode: (text) => Duration.decode(text as Duration.DurationInput),
  encode: (duration) => `${Duration.toMillis(duration)} millis`
})

export const HttpMethod = Schema.Literal("GET", "POST", "PUT", "PATCH", "DELETE")
export type HttpMethod = typeof HttpMethod.Type

/**
 * Where the records are in a response: `$` the whole body is one record, `$[*]` the body is an array of
 * records, `$.items` (or any dotted path) a field of the body holding an array or a single record.
 */
export const RecordSelector = Schema.String.pipe(
  Schema.pattern(/^\$(\[\*\]|(\.[A-Za-z_][A-Za-z0-9_]*)+)?$/),
  Schema.annotations({
    identifier: "RecordSelector",
    description: "$ (the body is one record), $[*] (the body is an array) or $.field.path"
  })
)

const Scopes = Schema.Array(ScopeName)

/** A property of a record schema, or a dotted path into its nested objects (`US.ssn`). */
export const FieldPath = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/),
  Schema.annotations({ identifier: "FieldPath", description: "a property, or a dotted path into nested objects such as US.ssn" })
)

export const ScopeDefinition = Schema.Struct({
  description: Schema.NonEmptyString,
  includes: Schema.optional(described(Scopes, "scopes this scope grants as well"))
})
export type ScopeDefinition = typeof ScopeDefinition.Type

export const Preset = Schema.Struct({
  title: Schema.NonEmptyString,
  description: Schema.NonEmptyString,
  scopes: Schema.NonEmptyArray(ScopeName),
  default: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type Preset = typeof Preset.Type

export const Auth = Schema.Struct({
  type: Schema.Literal("oauth2_authorization_code"),
  authorize_url: described(Schema.String, "where users grant access; overridable in the connection config"),
  token_url: described(Schema.String, "absolute, or a path resolved against the requester's base_url"),
  revoke_url: described(Schema.String, "absolute, or a path resolved against the requester's base_url"),
  client_authentication: described(
    Schema.Literal("request_body", "basic"),
    "how the client id and secret are sent to the token and revoke URLs"
  ),
  access_token_lifetime: DurationFromString,
  refresh_token_lifetime: DurationFromString,
  refresh_ahead: described(DurationFromString, "refresh this long before the access token expires"),
  idle_warning_after: described(DurationFromString, "report a connection idle for longer than this"),
  scope_separator: Schema.String,
  redirect_uris: described(
    Schema.Record({ key: Identifier, value: Schema.String }),
    "named redirect-URI templates; {placeholders} are filled in by the user"
  )
})
export type Auth = typeof Auth.Type

const ByteSizeString = Schema.String.pipe(
  Schema.pattern(/^\d+ (bytes|KiB|MiB|GiB)$/),
  Schema.annotations({ identifier: "ByteSize", description: "a size such as \"512 KiB\", \"64 MiB\" or \"1 GiB\"" })
)

const BYTE_UNITS: Readonly<Record<string, number>> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }

/** A size written as "<number> <unit>" in the manifest, a number of bytes in the model. */
export const ByteSizeFromString = Schema.transform(ByteSizeString, Schema.Number, {
  strict: true,
  decode: (text) => {
    const [count, unit] = text.split(" ")
    return Number(count) * BYTE_UNITS[unit!]!
  },
  encode: (bytes) => `${bytes} bytes`
})

export const Requester = Schema.Struct({
  base_url: Schema.String,
  timeout: Schema.propertySignature(DurationFromString).annotations({
    description: "no response (its headers, then each part of its body) within this long fails a request"
  }),
  response_deadline: Schema.optionalWith(DurationFromString, { default: () => Duration.minutes(5) }).annotations({
    description: "the whole response, from sending the request to the last byte of its body, within this long"
  }),
  max_body_size: Schema.optionalWith(ByteSizeFromString, { default: () => 64 * 1024 ** 2 }).annotations({
    description: "a response body larger than this fails its request (read no further)"
  }),
  max_json_depth: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 1000)), { default: () => 64 }).annotations({
    description: "a JSON response nested deeper than this (objects and arrays) fails its request"
  }),
  headers: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { default: () => ({}) })
})
export type Requester = typeof Requester.Type

export const RetryCondition = Schema.Literal("rate_limited", "server_error", "transport", "timeout")
export type RetryCondition = typeof RetryCondition.Type

export const RetryPolicy = Schema.Struct({
  max_attempts: Schema.Int.pipe(Schema.between(1, 20)),
  base_delay: DurationFromString,
  max_delay: DurationFromString,
  max_total_wait: DurationFromString,
  jitter: Schema.Boolean,
  retry_on: Schema.NonEmptyArray(RetryCondition),
  respect_retry_after: Schema.Boolean
})
export type RetryPolicy = typeof RetryPolicy.Type

export const CursorPaginator = Schema.Struct({
  type: Schema.Literal("cursor"),
  cursor_param: Schema.NonEmptyString,
  limit_param: Schema.NonEmptyString,
  page_size: Schema.Int.pipe(Schema.between(1, 100)),
  records: RecordSelector,
  next_cursor: RecordSelector,
  max_pages: described(Schema.Int.pipe(Schema.positive()), "a read stops with an error beyond this many pages")
})
export type CursorPaginator = typeof CursorPaginator.Type

export const Concurrency = Schema.Struct({
  streams: described(Schema.Int.pipe(Schema.between(1, 64)), "independent streams read at once"),
  substreams: described(Schema.Int.pipe(Schema.between(1, 64)), "child requests in flight per parent stream")
})

export const EndpointDefaults = Schema.Struct({
  method: HttpMethod,
  primary_key: Schema.NonEmptyArray(Schema.NonEmptyString),
  paginator: Schema.optional(described(
    Identifier,
    "the paginator of every stream whose operation takes its cursor parameter (others are read in one request)"
  ))
})

/** How the API answers a batch write: one result per item, in request order. */
export const BatchDefaults = Schema.Struct({
  size: described(Schema.Int.pipe(Schema.between(1, 10_000)), "items per request (at most the request body's maxItems)"),
  results: described(RecordSelector, "the per-item results in the response, in request order"),
  success_field: described(Schema.NonEmptyString, "result field: true when the item was applied"),
  message_field: described(Schema.NonEmptyString, "result field: why the item was not applied"),
  id_field: described(Schema.NonEmptyString, "result field: the identifier of the affected object")
})
export type BatchDefaults = typeof BatchDefaults.Type

export const Defaults = Schema.Struct({
  requester: Requester,
  retry: RetryPolicy,
  paginators: Schema.Record({ key: Identifier, value: CursorPaginator }),
  concurrency: Concurrency,
  endpoint: EndpointDefaults,
  batch: Schema.optional(BatchDefaults)
})
export type Defaults = typeof Defaults.Type

/**
 * How a stream is read incrementally; one of four kinds, by the keys given: a cursor field the API filters by
 * (`cursor_field` + `request_param`), date windows read again from the last cursor minus a `lookback`, a child
 * read for its parent's changed (or new) records, or a report taken once a day.
 */
export const Incremental = Schema.Struct({
  cursor_field: Schema.optional(described(Schema.NonEmptyString, "record field whose value only grows (with request_param)")),
  request_param: Schema.optional(described(Schema.NonEmptyString, "query parameter that filters by it: records at or after the value")),
  lookback: Schema.optional(described(
    DurationFromString,
    "a stream read in date windows (by windows.record_field): the next read starts this long before the greatest date read, " +
      "so records that change after they are created (a payroll's status) are read again"
  )),
  parent: Schema.optional(described(
    Schema.Literal("changed", "new"),
    "a stream read per parent record: read for the parent records the parent's incremental read returns (changed), " +
      "or only for parent records not read before (new: records that never change once read)"
  )),
  snapshot: Schema.optional(described(
    Schema.Literal("daily"),
    "a stream read through a report: one report per day; a second read on the same day reads nothing"
  ))
})
export type Incremental = typeof Incremental.Type

export const ParentLink = Schema.Struct({
  stream: described(Identifier, "the parent stream"),
  field: described(Schema.NonEmptyString, "the parent record field passed down"),
  param: described(Schema.NonEmptyString, "the path parameter it fills; child records carry it under this name")
})
export type ParentLink = typeof ParentLink.Type

export const DateWindows = Schema.Struct({
  start_param: Schema.NonEmptyString,
  end_param: Schema.NonEmptyString,
  step: described(DurationFromString, "size of each window; the API requires a bounded range"),
  record_field: Schema.optional(described(
    Schema.NonEmptyString,
    "record date that places it in exactly one window (records the API returns for overlapping windows are kept once)"
  )),
  lookahead: Schema.optional(described(DurationFromString, "read this far past today (e.g. future time off)"))
})

/** A stream whose records a report is made for, read with extra query parameters (e.g. only active members). */
export const ReportInput = Schema.Union(
  Identifier,
  Schema.Struct({
    stream: Identifier,
    query: described(
      Schema.Record({ key: Schema.String, value: Schema.String }),
      "query parameters narrowing the records read to those a report can be made for"
    )
  })
)
export type ReportInput = typeof ReportInput.Type

export const AsyncReport = Schema.Struct({
  create: described(Identifier, "endpoint that starts the report"),
  for_each: Schema.optionalWith(
    described(Schema.Array(ReportInput), "streams whose records (every combination) each get a report"),
    { default: () => [] }
  ),
  body: described(
    Schema.Record({ key: Schema.String, value: Schema.String }),
    "request body of the create call; {stream.field} and {today} are filled in"
  ),
  id_field: described(Schema.NonEmptyString, "field of the create response holding the report id"),
  param: described(Schema.NonEmptyString, "path parameter of this endpoint that takes the report id"),
  status_field: Schema.NonEmptyString,
  ready: Schema.NonEmptyString,
  failed: Schema.NonEmptyString,
  poll_interval: DurationFromString,
  poll_max_interval: DurationFromString,
  timeout: DurationFromString
})
export type AsyncReport = typeof AsyncReport.Type

export const DerivedStream = Schema.Struct({
  records: RecordSelector,
  scopes: Schema.optionalWith(described(Scopes, "scopes needed beyond the endpoint's own"), { default: () => [] }),
  docs: Schema.optional(described(Schema.NonEmptyString, "defaults to the endpoint's")),
  primary_key: Schema.optional(Schema.NonEmptyArray(Schema.NonEmptyString))
})
export type DerivedStream = typeof DerivedStream.Type

export const Endpoint = Schema.Struct({
  method: Schema.optional(described(HttpMethod, "defaults to defaults.endpoint.method")),
  repeatable: Schema.optional(
    described(
      Schema.Boolean,
      "sending the request again after an unclear failure (server error, lost connection, timeout) does no harm; " +
        "defaults to true for GET, PUT and DELETE, false for POST and PATCH, which are then retried only when the " +
        "API certainly did not process them (429, connection refused)"
    )
  ),
  path: Schema.String.pipe(Schema.pattern(/^\//)),
  scopes: described(Scopes, "the scopes of the operation's security in the OpenAPI description (checked)"),
  docs: Schema.optional(described(
    Schema.NonEmptyString,
    "reference documentation: absolute URL or a fragment of connector.docs_url; " +
      "defaults to #tag/<the operation's first tag>/operation/<operationId>"
  )),
  stream: Schema.optional(described(Identifier, "expose the endpoint's records as this stream")),
  paginator: Schema.optional(described(
    Schema.Union(Identifier, Schema.Literal("none")),
    "a paginator of defaults.paginators, or none; defaults to defaults.endpoint.paginator where it applies"
  )),
  records: Schema.optional(described(RecordSelector, "defaults to the paginator's selector, or $")),
  primary_key: Schema.optional(
    described(Schema.Array(Schema.NonEmptyString), "fields identifying a record; [] for a stream of one record")
  ),
  incremental: Schema.optional(Incremental),
  synthetic_key: Schema.optional(described(
    Schema.Struct({
      field: described(Schema.NonEmptyString, "the field added to each record (name it in primary_key)"),
      from: described(Schema.NonEmptyArray(Schema.NonEmptyString), "record fields whose values, joined by \"/\" (null as empty), make it")
    }),
    "a key field the connector adds where the record's own fields can be null (a primary key never is)"
  )),
  parent: Schema.optional(ParentLink),
  windows: Schema.optional(DateWindows),
  report: Schema.optional(AsyncReport),
  derive: Schema.optional(
    described(Schema.Record({ key: Identifier, value: DerivedStream }), "streams selected out of this endpoint's records")
  )
})
export type Endpoint = typeof Endpoint.Type

/** A check between two fields of a row that JSON Schema cannot express. */
export const RowRule = Schema.Struct({
  field: Schema.NonEmptyString,
  not_before: described(Schema.NonEmptyString, "when both are present, `field` (a date) must not be earlier than this field")
})
export type RowRule = typeof RowRule.Type

/**
 * An action that writes rows in batches: the input is a list of rows (JSON Lines on the command line), each
 * validated against the item schema of the request body before anything is sent, sent `size` at a time,
 * with one result reported per row.
 */
export const BatchWrite = Schema.Struct({
  items_field: described(Schema.NonEmptyString, "the request body's array property that carries the batch"),
  key: Schema.optional(described(Schema.NonEmptyString, "row field identifying what the row changes (reported with its result)")),
  idempotency_key: Schema.optional(described(
    Schema.NonEmptyString,
    "item field carrying a caller-chosen idempotency key; derived from the row's content when the row has none"
  )),
  item: Schema.optional(described(Schema.NonEmptyString, "send this row field's value as the item instead of the whole row")),
  unchanged_when: Schema.optional(described(
    Schema.NonEmptyString,
    "a failed item whose message contains this text (any case) was already in the requested state: reported as unchanged"
  )),
  rules: Schema.optional(Schema.Array(RowRule)),
  size: Schema.optional(described(Schema.Int.pipe(Schema.between(1, 10_000)), "overrides defaults.batch.size"))
})
export type BatchWrite = typeof BatchWrite.Type

export const Action = Schema.Struct({
  endpoint: Schema.optional(described(Identifier, "defaults to the endpoint with the action's id")),
  scopes: Schema.optionalWith(described(Scopes, "scopes needed beyond the endpoint's own"), { default: () => [] }),
  description: Schema.optional(Schema.NonEmptyString),
  batch: Schema.optional(BatchWrite)
})
export type Action = typeof Action.Type

export const Healthcheck = Schema.Struct({
  name: Schema.NonEmptyString,
  stream: described(Identifier, "read its first record; the check needs the scopes reading the stream takes")
})
export type Healthcheck = typeof Healthcheck.Type

export const Manifest = Schema.Struct({
  version: Schema.Literal(1),
  connector: Schema.Struct({
    name: Identifier,
    title: Schema.NonEmptyString,
    description: Schema.NonEmptyString,
    docs_url: Schema.NonEmptyString,
    spec: described(Schema.NonEmptyString, "the OpenAPI description, relative to this file")
  }),
  auth: Auth,
  scopes: Schema.Record({ key: ScopeName, value: ScopeDefinition }),
  presets: Schema.Record({ key: Identifier, value: Preset }),
  defaults: Defaults,
  endpoints: Schema.Record({ key: Identifier, value: Endpoint }),
  field_scopes: described(
    Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: ScopeName }) }),
    "per record schema of the spec: fields returned only when a scope beyond the endpoint's is granted"
  ),
  sensitive_fields: Schema.optionalWith(
    described(
      Schema.Record({ key: Schema.String, value: Schema.Array(FieldPath) }),
      "per record schema of the spec: fields holding personal or secret data (tax ids, dates of birth, bank account " +
        "numbers), masked in output meant for people unless revealed, never quoted in validation messages"
    ),
    { default: () => ({}) }
  ),
  actions: described(
    Schema.Record({ key: Identifier, value: Schema.NullOr(Action) }),
    "each action calls its endpoint and needs the endpoint's scopes; an empty entry (`{}` or nothing) is enough"
  ),
  healthchecks: Schema.Array(Healthcheck),
  excluded_operations: Schema.optionalWith(
    described(Schema.Record({ key: Schema.String, value: Schema.NonEmptyString }), "spec operationId → why the connector does not use it"),
    { default: () => ({}) }
  )
}).annotations({ identifier: "ConnectorManifest", title: "justworks-connector manifest" })

export type Manifest = typeof Manifest.Type
export type ManifestInput = typeof Manifest.Encoded
