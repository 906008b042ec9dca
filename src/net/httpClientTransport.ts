/**
 * An `HttpTransport` over any `@effect/platform` `HttpClient` (tests stub one), the deadline enforced with the
 * Effect clock. Apart from `HttpTransport` so that the library loads the platform's HTTP client only for this.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Duration, Effect, Layer } from "effect"
import { HttpTransport, limitMessage, TransportFailure } from "./HttpTransport.js"

export const fromHttpClient = (client: HttpClient.HttpClient): HttpTransport["Type"] =>
  HttpTransport.of({
    send: (request) => {
      let built = HttpClientRequest.make(request.method as "GET")(request.url).pipe(HttpClientRequest.setHeaders(request.headers))
      if (request.body !== undefined) built = HttpClientRequest.bodyText(built, request.body, request.contentType ?? "application/json")
      const max = request.maxBodyBytes
      const tooLarge = () => new TransportFailure({ message: limitMessage("BodySize", request), timedOut: false, limit: "BodySize" })
      const sent = client.execute(built).pipe(
        Effect.mapError((e) => new TransportFailure({ message: e.message, timedOut: false })),
        Effect.flatMap((response) =>
          max !== undefined && Number(response.headers["content-length"] ?? 0) > max
            ? Effect.fail(tooLarge())
            : Effect.map(
              Effect.mapError(response.text, (e) => new TransportFailure({ message: e.message, timedOut: false })),
              (text) => ({ status: response.status, headers: response.headers, text })
            )
        ),
        Effect.flatMap((response) => (max !== undefined && Buffer.byteLength(response.text) > max ? Effect.fail(tooLarge()) : Effect.succeed(response))),
        Effect.scoped,
        Effect.timeoutFail({
          duration: request.timeout,
          onTimeout: () => new TransportFailure({ message: `no response within ${Duration.format(request.timeout)}`, timedOut: true })
        })
      )
      const deadline = request.deadline
      return deadline === undefined ? sent : Effect.timeoutFail(sent, {
        duration: deadline,
        onTimeout: () => new TransportFailure({ message: limitMessage("Deadline", request), timedOut: false, limit: "Deadline" })
      })
    }
  })

export const layer: Layer.Layer<HttpTransport, never, HttpClient.HttpClient> = Layer.effect(
  HttpTransport,
  Effect.map(HttpClient.HttpClient, fromHttpClient)
)
