/**
 * Test wiring: the connector's services against a running mock API (stateful mock or Prism), from the
 * real connector.yaml. All `Layer.provide` plumbing for tests lives here.
 */
import type { HttpClient } from "@effect/platform"
import { Duration, Layer, Redacted } from "effect"
import type { MockServer } from "../mocks/startMockServer.js"
import { ActionRunner } from "../src/actions/ActionRunner.js"
import { OAuthClient } from "../src/auth/OAuthClient.js"
import { oauthSettings, type OAuthSettings } from "../src/auth/OAuthSettings.js"
import * as TokenProvider from "../src/auth/TokenProvider.js"
import { TokenStore } from "../src/auth/store/TokenStore.js"
import { ApiClient } from "../src/http/ApiClient.js"
import { HttpTransport } from "../src/net/HttpTransport.js"
import { layer as httpClientTransport } from "../src/net/httpClientTransport.js"
import type { RetryPolicy } from "../src/manifest/Manifest.js"
import type { Connector } from "../src/model/Connector.js"
import { ConnectorModel } from "../src/model/ConnectorModel.js"
import { loadProjectConnector } from "./projectManifest.js"
import { RecordValidation } from "../src/runtime/RecordValidation.js"
import { StreamReader } from "../src/runtime/StreamReader.js"
import { BatchWriter } from "../src/writes/BatchWriter.js"

export const projectConnector = loadProjectConnector()

/** OAuth settings pointing at the mock (its token, revoke and authorize endpoints, its client). */
export const mockOAuthSettings = (
  mock: Pick<MockServer, "url" | "clientId" | "clientSecret">,
  connector: Connector = projectConnector
): OAuthSettings =>
  oauthSettings(connector, {
    baseUrl: mock.url,
    clientId: mock.clientId,
    clientSecret: Redacted.make(mock.clientSecret),
    authorizeUrl: `${mock.url}/oauth/authorize`
  })

export interface ConnectorLayerOptions {
  readonly mock: Pick<MockServer, "url" | "clientId" | "clientSecret">
  readonly connectionId?: string
  /** refresh this long before expiry (tests use short-lived tokens) */
  readonly refreshAhead?: Duration.DurationInput
  /** the token store; defaults to an in-memory one (give your own to inspect it) */
  readonly store?: Layer.Layer<TokenStore>
  readonly validation?: Layer.Layer<RecordValidation, never, ConnectorModel>
  /** the HTTP client (default: undici); tests wrap it to watch or steer requests */
  readonly http?: Layer.Layer<HttpClient.HttpClient>
  /** replace parts of the manifest's retry policy (tests shorten the waits) */
  readonly retry?: Partial<RetryPolicy>
  /** replace the manifest's request timeout */
  readonly requestTimeout?: Duration.DurationInput
}

/** The project connector with test overrides applied. */
const connectorFor = (options: ConnectorLayerOptions): Connector =>
  options.retry === undefined && options.requestTimeout === undefined ? projectConnector : {
    ...projectConnector,
    retry: { ...projectConnector.retry, ...options.retry },
    requester: { ...projectConnector.requester, timeout: Duration.decode(options.requestTimeout ?? projectConnector.requester.timeout) }
  }

/** OAuth client + token store + token provider + HTTP pipeline + stream reader + actions and batch writes, against the mock. */
export const connectorLayer = (options: ConnectorLayerOptions) => {
  const connector = connectorFor(options)
  const settings = mockOAuthSettings(options.mock, connector)
  // a given HttpClient (tests that watch or steer requests) carries the API calls and the token endpoint's; else undici directly
  const transport = options.http === undefined ? HttpTransport.layerUndici : Layer.provide(httpClientTransport, options.http)
  const base = Layer.provideMerge(
    Layer.mergeAll(ConnectorModel.layerLoaded(connector), options.store ?? TokenStore.layerMemory, OAuthClient.layer(settings)),
    transport
  )
  const tokens = TokenProvider.layer({
    connectionId: options.connectionId ?? "test",
    refreshAhead: options.refreshAhead ?? settings.refreshAhead,
    refreshTokenLifetime: settings.refreshTokenLifetime,
    idleWarningAfter: settings.idleWarningAfter
  })
  const api = ApiClient.layer({ baseUrl: options.mock.url })
  const withValidation = Layer.provideMerge(options.validation ?? RecordValidation.layer(), base)
  const withTokens = Layer.provideMerge(tokens, withValidation)
  const withApi = Layer.provideMerge(api, withTokens)
  const withReader = Layer.provideMerge(StreamReader.layer, withApi)
  return Layer.provideMerge(Layer.provideMerge(BatchWriter.layer, ActionRunner.layer), withReader)
}
