/**
 * `connect`: connect a Justworks company through the browser. Listens on 127.0.0.1 at the manifest's loopback
 * redirect URI, prints the authorize URL, exchanges the code when the browser comes back, and stores the
 * tokens (encrypted) in the token store; a connection id already there has its old tokens revoked first.
 */
import { Console, Effect, Option } from "effect"
import { authorizeViaLoopback } from "../../auth/loopbackAuthorization.js"
import { TokenStore } from "../../auth/store/TokenStore.js"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import { minimalScopesFor } from "../../scopes/ScopeAlgebra.js"
import { ConnectionInfo } from "../ConnectionInfo.js"
import { UsageError } from "../UsageError.js"
import { storeName } from "../../auth/store/tokenStoreAt.js"

export const connectHandler = (args: { readonly port: number; readonly timeout: number }) =>
  Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const info = yield* ConnectionInfo
    const template = connector.auth.redirect_uris["loopback"]
    if (template === undefined) {
      return yield* new UsageError({ reason: "InvalidOption", message: "connector.yaml declares no loopback redirect URI (auth.redirect_uris.loopback)" })
    }
    if (args.port < 1 || args.port > 65535) {
      return yield* new UsageError({ reason: "InvalidOption", message: `--port must be between 1 and 65535, got ${args.port}` })
    }
    if (args.timeout < 1) {
      return yield* new UsageError({ reason: "InvalidOption", message: `--timeout must be at least 1 second, got ${args.timeout}` })
    }
    const existing = yield* Effect.flatMap(TokenStore, (store) => store.get(info.connectionId))
    if (Option.isSome(existing)) {
      yield* Console.log(`Connection "${info.connectionId}" exists: once the new authorization is granted, its old tokens are revoked and replaced.`)
    }
    const scopes = yield* minimalScopesFor(connector.scopeGraph, info.selection)
    const redirectUri = template.replace("{port}", String(args.port))
    const connection = yield* authorizeViaLoopback({
      redirectUri,
      scopes,
      connectionId: info.connectionId,
      timeout: `${args.timeout} seconds`,
      onUrl: (url) =>
        Console.log(`Open this URL in a browser and grant access (scopes: ${scopes.join(" ")}):\n\n  ${url}\n\nWaiting for the browser to come back to ${redirectUri} …`)
    })
    yield* Console.log(
      `Connected "${connection.connectionId}" with scopes ${connection.grantedScopes.join(" ")}; tokens stored encrypted in ${storeName(info.tokenStore)}.`
    )
  })
