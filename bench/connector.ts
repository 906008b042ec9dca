/**
 * The connector as a library, the way a user wires it: `Justworks.layer` (packaged connector.yaml, real
 * token provider over the in-memory store holding a token that outlives the run, the real HTTP pipeline on
 * undici, the stream reader), pointed at the fixture server. Record validation is the library's default
 * (each stream's schema from the OpenAPI description); `validate: false` turns it off (`validation: "off"`) to
 * measure the rest of the pipeline.
 */
import { Layer, Redacted } from "effect"
import { Justworks } from "../src/index.js"

export const connectorLayer = (options: { readonly baseUrl: string; readonly validate: boolean }): Layer.Layer<Justworks, unknown> =>
  Justworks.layer({
    clientId: "bench",
    clientSecret: Redacted.make("bench"),
    connectionId: "bench",
    baseUrl: options.baseUrl,
    tokens: {
      accessToken: Redacted.make("bench-access-token"),
      refreshToken: Redacted.make("bench-refresh-token"),
      expiresAt: new Date(Date.now() + 86_400_000)
    },
    ...(options.validate ? {} : { validation: "off" as const })
  })
