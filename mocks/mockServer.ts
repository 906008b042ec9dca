/** The mock server as an Effect scoped resource: started on acquire, closed when the scope closes. */
import { Effect, type Scope } from "effect"
import { type MockOptions, type MockServer, startMockServer } from "./startMockServer.js"

export const mockServer = (options: MockOptions = {}): Effect.Effect<MockServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => startMockServer(options)),
    (server) => Effect.promise(() => server.close())
  )
