/**
 * The connection of `sync --mock`: the stateful mock API started in this process. A module of its own, so
 * that the other commands do not load the mock.
 */
import { Effect, Layer, Redacted } from "effect"
import { MAX_MOCK_MEMBERS } from "../../mocks/mockData.js"
import { mockServer } from "../../mocks/mockServer.js"
import { Justworks } from "../Justworks.js"
import type { ConnectionOverrides } from "./connectionLayers.js"
import { ConnectionInfo } from "./ConnectionInfo.js"
import { demoCompany } from "./demoCompany.js"
import { UsageError } from "./UsageError.js"

/** The stateful mock API, started in this process, and a connection to it holding every scope. */
export const mockConnection = (members: number, overrides: ConnectionOverrides = {}) =>
  Layer.unwrapScoped(Effect.gen(function*() {
    if (!Number.isInteger(members) || members < 1 || members > MAX_MOCK_MEMBERS) {
      return yield* new UsageError({ reason: "InvalidOption", message: `--mock-members must be between 1 and ${MAX_MOCK_MEMBERS.toLocaleString("en-US")}, got ${members}` })
    }
    const mock = yield* mockServer(demoCompany(members))
    const tokens = mock.issueTokens(mock.scopes)
    const info = ConnectionInfo.of({
      connectionId: "demo",
      description: `the mock Justworks API at ${mock.url} (demo company of ${mock.store.memberCount} members)`,
      tokenStore: undefined,
      startDate: undefined,
      selection: {}
    })
    const layer = Justworks.layer({
      clientId: mock.clientId,
      clientSecret: Redacted.make(mock.clientSecret),
      connectionId: "demo",
      baseUrl: mock.url,
      authorizeUrl: `${mock.url}/oauth/authorize`,
      validation: overrides.validation,
      tokens: {
        accessToken: Redacted.make(tokens.access_token),
        refreshToken: Redacted.make(tokens.refresh_token),
        expiresAt: new Date(tokens.expires_at),
        scopes: mock.scopes
      }
    })
    return Layer.merge(layer, Layer.succeed(ConnectionInfo, info))
  }))
