/**
 * Connecting from the command line: listen on 127.0.0.1 at the redirect URI's port and path, hand out the
 * authorize URL, complete the exchange when the browser comes back, and shut down (also on timeout).
 */
import { createServer, type Server } from "node:http"
import { Deferred, Duration, Effect, Runtime } from "effect"
import { AuthorizationFailed } from "./AuthError.js"
import { beginAuthorization, completeAuthorization } from "./connection.js"

export interface LoopbackOptions {
  /** http://127.0.0.1:PORT/path (or localhost): where the authorization server sends the browser back */
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly connectionId: string
  readonly timeout: Duration.DurationInput
  /** show the authorize URL to the user (print it, open a browser, or follow it in a test) */
  readonly onUrl: (url: string) => Effect.Effect<void>
}

const listen = (server: Server, host: string, port: number) =>
  Effect.async<void, AuthorizationFailed>((resume) => {
    server.once("error", (e) => resume(Effect.fail(new AuthorizationFailed({ reason: "Listen", detail: `${host}:${port}: ${e.message}` }))))
    server.listen(port, host, () => resume(Effect.void))
  })

const close = (server: Server) =>
  Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

export const authorizeViaLoopback = (options: LoopbackOptions) =>
  Effect.scoped(
    Effect.gen(function*() {
      const redirect = new URL(options.redirectUri)
      if (redirect.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(redirect.hostname) || redirect.port === "") {
        return yield* new AuthorizationFailed({
          reason: "Listen",
          detail: `the redirect URI ${options.redirectUri} is not a loopback address with a port (http://127.0.0.1:PORT/path)`
        })
      }
      const pending = yield* beginAuthorization({ redirectUri: options.redirectUri, scopes: options.scopes })
      const callback = yield* Deferred.make<URLSearchParams>()
      const runtime = yield* Effect.runtime<never>()
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", options.redirectUri)
        if (url.pathname !== redirect.pathname) {
          res.writeHead(404, { "content-type": "text/plain" }).end("Not the authorization callback.\n")
          return
        }
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8", connection: "close" })
          .end("justworks-connector received the authorization. You can close this window and return to the terminal.\n")
        Runtime.runFork(runtime)(Deferred.succeed(callback, url.searchParams))
      })
      yield* Effect.acquireRelease(listen(server, redirect.hostname.replace(/^\[|\]$/g, ""), Number(redirect.port)), () => close(server))
      yield* options.onUrl(pending.url)
      const params = yield* Deferred.await(callback).pipe(
        Effect.timeoutFail({
          duration: options.timeout,
          onTimeout: () =>
            new AuthorizationFailed({ reason: "Timeout", detail: `waited ${Duration.format(Duration.decode(options.timeout))} for the browser to come back to ${options.redirectUri}` })
        })
      )
      return yield* completeAuthorization(pending, params, options.connectionId)
    })
  )
