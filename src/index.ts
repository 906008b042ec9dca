/**
 * justworks-connector: the Justworks Partner API as typed Effect streams and actions, declared in
 * connector.yaml.
 *
 * ```ts
 * const program = Effect.gen(function*() {
 *   const justworks = yield* Justworks
 *   const members = yield* Stream.runCollect(justworks.stream("members"))
 * }).pipe(Effect.provide(Justworks.layer({ clientId, clientSecret, tokenStore })))
 * ```
 */
export {
  Justworks,
  defaultManifestFile,
  type ActionArguments,
  type ConnectionTokens,
  type JustworksOptions,
  type StreamEvent,
  type StreamOptions
} from "./Justworks.js"
export type { ActionId, StreamName } from "./generated/manifestNames.js"
// each stream's record type (Member, Payroll, …), each action's input and response
export type * from "./generated/records.js"
export { actionIds, streamNames } from "./generated/manifestNames.js"
export type { ApiRecord, ReadEvent, ReadFailure, StreamState } from "./runtime/StreamReader.js"
export { ReadError } from "./runtime/ReadError.js"
export { ApiError } from "./http/ApiError.js"
export { InsecureConnection } from "./http/InsecureConnection.js"
export { HttpTransport, TransportFailure, type TransportRequest, type TransportResponse } from "./net/HttpTransport.js"
export { ActionError, type ActionInput } from "./actions/ActionRunner.js"
export type { HealthReport, HealthcheckResult } from "./health/Healthchecks.js"
export { AuthorizationFailed, ReconnectRequired, TokenEndpointError } from "./auth/AuthError.js"
export { Credentials, type TokenError } from "./auth/Credentials.js"
export { AuthorizedConnection, type IdleStatus } from "./auth/AuthorizedConnection.js"
export * as TokenProvider from "./auth/TokenProvider.js"
export { beginAuthorization, completeAuthorization, disconnect, type PendingAuthorization } from "./auth/connection.js"
export { authorizeViaLoopback, type LoopbackOptions } from "./auth/loopbackAuthorization.js"
export { StoredConnection } from "./auth/store/StoredConnection.js"
export { TokenStore } from "./auth/store/TokenStore.js"
export { TokenStoreError } from "./auth/store/TokenStoreError.js"
export * as SqliteTokenStore from "./auth/store/SqliteTokenStore.js"
export * as PgTokenStore from "./auth/store/PgTokenStore.js"
export { tokenStoreAt } from "./auth/store/tokenStoreAt.js"
export { SyncStore, type SyncBatch, type SyncTable } from "./sync/SyncStore.js"
export { SyncStoreError } from "./sync/SyncStoreError.js"
export * as SqliteSyncStore from "./sync/SqliteSyncStore.js"
export * as PgSyncStore from "./sync/PgSyncStore.js"
export type { Column, ColumnType, FieldSpec, LayoutReport, Mismatch } from "./sync/columns.js"
export { closure, minimal, minimalScopesFor, scopeClosureFor, type Selection } from "./scopes/ScopeAlgebra.js"
export { loadConnector, parseConnector } from "./model/loadConnector.js"
export type { Connector, StreamModel, EndpointModel, ActionModel } from "./model/Connector.js"
export { ManifestError } from "./manifest/ManifestError.js"
export type { Manifest } from "./manifest/Manifest.js"
export { BatchWriter, type RowResult, type RowStatus, type WriteOptions } from "./writes/BatchWriter.js"
export type { WritePlan, PlannedRow, InvalidRow } from "./writes/WritePlan.js"
export { WriteError } from "./writes/WriteError.js"
export { WriteJournal, type JournalRow, type JournalState } from "./writes/WriteJournal.js"
export * as SqliteWriteJournal from "./writes/SqliteWriteJournal.js"
export * as PgWriteJournal from "./writes/PgWriteJournal.js"
export { parseRows, type InputRow } from "./writes/InputRows.js"
export { redactCredentials, redactText, registerSecret } from "./redaction/redact.js"
