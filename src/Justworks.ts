/**
 * The library entry: one service, built from a connection's config, that reads streams, runs actions and
 * healthchecks, and answers scope questions. `Justworks.layer(options)` wires everything.
 */
import { Clock, Context, Duration, Effect, Either, Layer, Option, type Redacted, Stream } from "effect"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { ActionRunner, type ActionInput, type ActionError } from "./actions/ActionRunner.js"
import { OAuthClient } from "./auth/OAuthClient.js"
import { oauthSettings } from "./auth/OAuthSettings.js"
import type { TokenError } from "./auth/Credentials.js"
import * as TokenProvider from "./auth/TokenProvider.js"
import { StoredConnection } from "./auth/store/StoredConnection.js"
import { TokenStore } from "./auth/store/TokenStore.js"
import type { TokenStoreError } from "./auth/store/TokenStoreError.js"
import type { ActionId, StreamName } from "./generated/manifestNames.js"
import type { ActionInputs, ActionResponses, StreamRecords } from "./generated/records.js"
import { Healthchecks, type HealthReport } from "./health/Healthchecks.js"
import type { ApiError } from "./http/ApiError.js"
import { ApiClient } from "./http/ApiClient.js"
import { HttpTransport } from "./net/HttpTransport.js"
import { InsecureConnection } from "./http/InsecureConnection.js"
import type { Connector } from "./model/Connector.js"
import { ConnectorModel } from "./model/ConnectorModel.js"
import { findManifestFile } from "./model/manifestFile.js"
import { isInsecureHttp } from "./net/urls.js"
import { redactCredentials, registerSecret, registerUrlSecrets } from "./redaction/redact.js"
import { RecordValidation, type ValidationMode } from "./runtime/RecordValidation.js"
import { StreamReader, type ReadEvent, type ReadFailure, type ReadOptions } from "./runtime/StreamReader.js"
import { minimalScopesFor, scopeClosureFor, type Selection, type UnknownSelection } from "./scopes/ScopeAlgebra.js"
import { BatchWriter, type RowResult, type WriteOptions } from "./writes/BatchWriter.js"
import { rowsOfValues } from "./writes/InputRows.js"
import type { WriteError } from "./writes/WriteError.js"
import type { WritePlan } from "./writes/WritePlan.js"

/** An in-memory token store, holding the given tokens under the connection id. */
const memoryStore = (options: JustworksOptions, declaredScopes: ReadonlyArray<string>, lifetime: Duration.Duration) =>
  Layer.effect(TokenStore, Effect.gen(function*() {
    const store = yield* TokenStore.makeMemory
    const tokens = options.tokens
    if (tokens !== undefined) {
      const now = new Date(yield* Clock.currentTimeMillis)
      yield* store.put(new StoredConnection({
        connectionId: options.connectionId ?? "default",
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: tokens.expiresAt ?? new Date(now.getTime() + Duration.toMillis(lifetime)),
        refreshToken: tokens.refreshToken,
        refreshTokenIssuedAt: now,
        grantedScopes: tokens.scopes ?? declaredScopes,
        createdAt: now,
        lastRefreshedAt: now,
        lastUsedAt: now
      }))
    }
    return store
  }))

/**
 * The store, telling the redaction registry the tokens it hands out and takes in: every token a connection
 * uses passes through it (a refreshed pair is stored before it is used), so none is ever printed.
 */
const registeringSecrets = (store: Layer.Layer<TokenStore, TokenStoreError>): Layer.Layer<TokenStore, TokenStoreError> => {
  const register = (connection: StoredConnection) => {
    registerSecret(connection.accessToken)
    registerSecret(connection.refreshToken)
  }
  const registered = <E>(found: Effect.Effect<Option.Option<StoredConnection>, E>) =>
    Effect.tap(found, (connection) => Effect.sync(() => Option.map(connection, register)))
  return Layer.effect(
    TokenStore,
    Effect.map(TokenStore, (inner) =>
      TokenStore.of({
        ...inner,
        get: (connectionId) => registered(inner.get(connectionId)),
        put: (connection) => Effect.zipRight(Effect.sync(() => register(connection)), inner.put(connection)),
        modify: (connectionId, update) => registered(inner.modify(connectionId, update))
      }))
  ).pipe(Layer.provide(store))
}

/** The manifest shipped with the package. */
export const defaultManifestFile = findManifestFile(dirname(fileURLToPath(import.meta.url)))

export interface JustworksOptions {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** which stored connection to use (default "default") */
  readonly connectionId?: string | undefined
  /** the API's base URL (default: the manifest's, production) */
  readonly baseUrl?: string | undefined
  readonly authorizeUrl?: string | undefined
  /** a different manifest than the packaged connector.yaml */
  readonly manifestFile?: string | undefined
  /** an already loaded connector (saves reading its manifest again) */
  readonly connector?: Connector | undefined
  /** where tokens live (default: in memory, holding `tokens` if given) */
  readonly tokenStore?: Layer.Layer<TokenStore, TokenStoreError> | undefined
  /** tokens obtained elsewhere (e.g. kept by an ETL platform); stored in the in-memory store */
  readonly tokens?: ConnectionTokens | undefined
  /**
   * Called after each refresh with the connection's new tokens (access token, rotated refresh token, expiry),
   * once the token store holds them and before they are used. Where the tokens are kept outside the library
   * (`tokens` from an ETL platform's secret store), save them here: the refresh token given before no longer
   * works.
   */
  readonly onTokenRefresh?: ((connection: StoredConnection) => Effect.Effect<void>) | undefined
  /**
   * what a record that does not match its schema does: `warn` (the default: kept, its problem logged once per
   * field and reason), `strict` (fails its stream), `off` (records are not checked)
   */
  readonly validation?: ValidationMode | undefined
  /** how requests, the token endpoint's included, go out (default: undici's keep-alive agent); e.g. a transport with a proxy or tracing */
  readonly transport?: Layer.Layer<HttpTransport> | undefined
  /**
   * allow http:// URLs (API, token, revoke, authorize) to a host other than this machine, whose requests carry
   * the client secret and tokens unencrypted (default false: the layer fails with `InsecureConnection`)
   */
  readonly allowInsecureHttp?: boolean | undefined
}

export interface ConnectionTokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken?: Redacted.Redacted<string> | undefined
  /** when the access token expires (unknown: it is used until the API refuses it, then refreshed) */
  readonly expiresAt?: Date | undefined
  /** the scopes granted to these tokens (unknown: assumed to be every declared scope) */
  readonly scopes?: ReadonlyArray<string> | undefined
}

/** Where a read starts: the first day of date-windowed streams, a checkpoint's state. */
export type StreamOptions = ReadOptions

/** A stream's record batches (typed as its records) and checkpoints. */
export type StreamEvent<S extends StreamName> =
  | (Omit<Extract<ReadEvent, { readonly _tag: "Records" }>, "records"> & { readonly records: ReadonlyArray<StreamRecords[S]> })
  | Extract<ReadEvent, { readonly _tag: "Checkpoint" }>

/** An action's input argument: optional when the action needs nothing. */
export type ActionArguments<A extends ActionId> = Readonly<Record<string, never>> extends ActionInputs[A]
  ? [input?: ActionInputs[A]]
  : [input: ActionInputs[A]]

export class Justworks extends Context.Tag("justworks-connector/Justworks")<Justworks, {
  readonly streamNames: ReadonlyArray<StreamName>
  /** the records of a stream, as the OpenAPI description types them (checked against it as they are read) */
  readonly stream: <S extends StreamName>(name: S, options?: StreamOptions) => Stream.Stream<StreamRecords[S], ReadFailure>
  /** record batches and checkpoints of a stream (for incremental syncs) */
  readonly read: <S extends StreamName>(name: S, options?: StreamOptions) => Stream.Stream<StreamEvent<S>, ReadFailure>
  /** run an action: its input and response typed as the OpenAPI description says (the input is checked before any request) */
  readonly action: <A extends ActionId>(id: A, ...input: ActionArguments<A>) => Effect.Effect<ActionResponses[A], ActionError | ApiError | TokenError>
  /** validate the rows of a batch action (e.g. create_deductions) and derive their keys; sends nothing */
  readonly planWrite: (id: ActionId, rows: ReadonlyArray<unknown>) => Effect.Effect<WritePlan, WriteError>
  /** send a plan's rows in batches; one result per row (see `WritePlan.invalid` for rows that fail validation) */
  readonly write: (plan: WritePlan, options?: WriteOptions) => Stream.Stream<RowResult, WriteError | ActionError | TokenError>
  readonly healthcheck: Effect.Effect<HealthReport, TokenError>
  /** the minimal scope list to request for presets and/or actions (default: the default presets) */
  readonly minimalScopes: (selection?: Selection) => Either.Either<Array<string>, UnknownSelection>
  /** everything such a selection grants */
  readonly scopeClosure: (selection?: Selection) => Either.Either<Array<string>, UnknownSelection>
}>() {
  static make = Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const reader = yield* StreamReader
    const actions = yield* ActionRunner
    const health = yield* Healthchecks
    const writer = yield* BatchWriter
    return Justworks.of({
      streamNames: reader.streams.map((s) => s.name as StreamName),
      // the records were checked against the schemas these types are generated from
      stream: <S extends StreamName>(name: S, options: StreamOptions = {}) =>
        reader.records(name, options) as Stream.Stream<StreamRecords[S], ReadFailure>,
      read: <S extends StreamName>(name: S, options: StreamOptions = {}) =>
        reader.read(name, options) as Stream.Stream<StreamEvent<S>, ReadFailure>,
      action: <A extends ActionId>(id: A, ...[input]: ActionArguments<A>) =>
        actions.run(id, input as ActionInput | undefined) as Effect.Effect<ActionResponses[A], ActionError | ApiError | TokenError>,
      planWrite: (id, rows) => writer.plan(id, rowsOfValues(rows)),
      write: (plan, options) => writer.write(plan, options),
      healthcheck: health.run,
      minimalScopes: (selection = {}) => minimalScopesFor(connector.scopeGraph, selection),
      scopeClosure: (selection = {}) => scopeClosureFor(connector.scopeGraph, selection)
    })
  })

  /** Everything the service needs, from a connection's settings. */
  static layer = (options: JustworksOptions) => {
    // Node's file system, loaded when a manifest is read rather than with the library
    const nodeContext = Layer.unwrapEffect(Effect.promise(() => import("@effect/platform-node/NodeContext")).pipe(Effect.map((m) => m.layer)))
    const connectorLayer = ConnectorModel.layer(options.manifestFile ?? defaultManifestFile).pipe(Layer.provide(nodeContext))
    return Layer.unwrapEffect(Effect.gen(function*() {
      registerSecret(options.clientSecret)
      registerUrlSecrets(options.baseUrl)
      registerUrlSecrets(options.authorizeUrl)
      registerSecret(options.tokens?.accessToken)
      registerSecret(options.tokens?.refreshToken)
      const loaded = options.connector ?? (yield* Effect.provide(ConnectorModel, connectorLayer))
      const auth = oauthSettings(loaded, {
        baseUrl: options.baseUrl ?? loaded.requester.base_url,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authorizeUrl: options.authorizeUrl
      })
      if (options.allowInsecureHttp !== true) {
        const urls = [
          ["API base URL", options.baseUrl ?? loaded.requester.base_url],
          ["token URL", auth.tokenUrl],
          ["revoke URL", auth.revokeUrl],
          ["authorize URL", auth.authorizeUrl]
        ] as const
        for (const [setting, url] of urls) {
          if (isInsecureHttp(url)) return yield* new InsecureConnection({ reason: "PlainHttp", setting, url: redactCredentials(url) })
        }
      }
      // the token endpoint is called through the same transport as the API
      const base = Layer.provideMerge(
        Layer.mergeAll(
          ConnectorModel.layerLoaded(loaded),
          OAuthClient.layer(auth),
          registeringSecrets(options.tokenStore ?? memoryStore(options, Object.keys(loaded.scopeGraph.scopes), auth.accessTokenLifetime))
        ),
        options.transport ?? HttpTransport.layerUndici
      )
      const tokens = Layer.provideMerge(
        TokenProvider.layer({
          connectionId: options.connectionId ?? "default",
          refreshAhead: auth.refreshAhead,
          refreshTokenLifetime: auth.refreshTokenLifetime,
          idleWarningAfter: auth.idleWarningAfter,
          onRefresh: options.onTokenRefresh
        }),
        base
      )
      const api = Layer.provideMerge(ApiClient.layer({ baseUrl: options.baseUrl }), tokens)
      const validation = Layer.provideMerge(RecordValidation.layer(options.validation), api)
      const services = Layer.provideMerge(
        Layer.mergeAll(
          Layer.provideMerge(BatchWriter.layer, ActionRunner.layer),
          Layer.provideMerge(Healthchecks.layer, StreamReader.layer)
        ),
        validation
      )
      return Layer.provideMerge(Layer.effect(Justworks, Justworks.make), services)
    }))
  }
}
