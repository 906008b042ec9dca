/**
 * Connecting from the command line: listen on 127.0.0.1 at the redirect URI's port and path, hand out the
 * authorize URL, complete the exchange when the browser comes back, and shut down (also on timeout).
 *
 * The page the browser lands on tells what happened: a callback whose `state` is not the one sent (a forged
 * or stale link, any other local page) is turned away and the wait goes on; a denial ends the wait and says
 * so; a granted authorization is answered once the code is exchanged and the tokens stored (or why not).
 * Connecting a connection id that exists revokes its old tokens first, once the new authorization is granted.
 */
import { createServer, type Server, type ServerResponse } from "node:http"
import { Cause, Deferred, Duration, Effect, Either, Exit, Option, Runtime } from "effect"
import { isLoopbackRedirect } from "../net/urls.js"
import { redactText } from "../redaction/redact.js"
import { AuthorizationFailed } from "./AuthError.js"
import { beginAuthorization, completeAuthorization, disconnect, verifyCallback } from "./connection.js"

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

const page = (res: ServerResponse, status: number, text: string) => {
  if (res.writableEnded) return
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close" })
    .end(`${text}\n`)
}

/** The browser came back with a code, for this authorization (its state checked). */
interface Granted {
  readonly params: URLSearchParams
  /** the page, once the connection is made or has failed */
  readonly answer: (status: number, text: string) => void
}

export const authorizeViaLoopback = (options: LoopbackOptions) =>
  Effect.scoped(
    Effect.gen(function*() {
      if (!isLoopbackRedirect(options.redirectUri)) {
        return yield* new AuthorizationFailed({
          reason: "Listen",
          detail: `the redirect URI ${options.redirectUri} is not a loopback address with a port (http://127.0.0.1:PORT/path)`
        })
      }
      const redirect = new URL(options.redirectUri)
      const pending = yield* beginAuthorization({ redirectUri: options.redirectUri, scopes: options.scopes })
      const callback = yield* Deferred.make<Granted, AuthorizationFailed>()
      const runtime = yield* Effect.runtime<never>()
      const run = Runtime.runFork(runtime)
      // once a callback of this authorization came (granted or denied), later ones are only told so
      let settled = false
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", options.redirectUri)
        if (url.pathname !== redirect.pathname) return page(res, 404, "Not the authorization callback.")
        if (settled) return page(res, 409, "justworks-connector has already received an answer for this connection. You can close this window.")
        const verdict = Effect.runSync(Effect.either(verifyCallback(pending, url.searchParams)))
        if (Either.isLeft(verdict) && verdict.left.reason === "StateMismatch") {
          // not the authorization being waited for: someone else's link, a stale tab, another local page
          run(Effect.logWarning(`ignored a request to the authorization callback: ${verdict.left.detail}`))
          return page(
            res,
            400,
            "This page does not belong to the authorization justworks-connector is waiting for (its state does not match the one sent), so it was ignored. If you did not start a connection, close this window."
          )
        }
        settled = true
        if (Either.isLeft(verdict)) {
          page(res, 400, `The authorization was not granted (${verdict.left.detail}). justworks-connector stopped; you can close this window.`)
          return run(Deferred.fail(callback, verdict.left))
        }
        run(Deferred.succeed(callback, { params: url.searchParams, answer: (status, text) => page(res, status, text) }))
      })
      yield* Effect.acquireRelease(listen(server, redirect.hostname.replace(/^\[|\]$/g, ""), Number(redirect.port)), () => close(server))
      yield* options.onUrl(pending.url)
      const granted = yield* Deferred.await(callback).pipe(
        Effect.timeoutFail({
          duration: options.timeout,
          onTimeout: () =>
            new AuthorizationFailed({ reason: "Timeout", detail: `waited ${Duration.format(Duration.decode(options.timeout))} for the browser to come back to ${options.redirectUri}` })
        })
      )
      const connected = yield* Effect.exit(Effect.gen(function*() {
        // the id's old grant stops working before the new one is stored in its place
        if (yield* disconnect(options.connectionId)) {
          yield* Effect.logInfo(`revoked the previous tokens of connection "${options.connectionId}"`)
        }
        return yield* completeAuthorization(pending, granted.params, options.connectionId)
      }))
      if (Exit.isSuccess(connected)) {
        granted.answer(200, "justworks-connector is connected. You can close this window and return to the terminal.")
      } else {
        const why = Option.match(Cause.failureOption(connected.cause), { onNone: () => "", onSome: (e) => `: ${redactText(e.message)}` })
        granted.answer(500, `justworks-connector could not complete the connection${why}. See the terminal.`)
      }
      return yield* connected
    })
  )
