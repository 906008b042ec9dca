/**
 * The HTTP pipeline, built once for every endpoint: base URL, bearer token from the token provider, JSON,
 * a per-request deadline and the bounds of a response (size, whole-response deadline, JSON nesting), status
 * classification into `ApiError`, one refresh-and-replay on 401, and the
 * manifest's retry schedule (entered only once a request has failed: the common case costs no schedule). A
 * request that is not `repeatable` (a POST or PATCH, unless the manifest says otherwise) is retried only when
 * the API certainly did not process it.
 * Requests go out through the `HttpTransport`.
 */
import { Clock, Context, Effect, FiberRef, Layer, Redacted, Schedule } from "effect"
import { Credentials, type TokenError } from "../auth/Credentials.js"
import type { EndpointModel } from "../model/Connector.js"
import { ConnectorModel } from "../model/ConnectorModel.js"
import { presetsGranting, type ScopeGraph } from "../scopes/ScopeAlgebra.js"
import { ApiError } from "./ApiError.js"
import { HttpTransport, type TransportFailure, type TransportResponse } from "../net/HttpTransport.js"
import { parseRetryAfter } from "../net/retryPolicy.js"
import { retrySchedule } from "./retrySchedule.js"
import { nestingBeyond, scanBody } from "../json/jsonStructure.js"
import { keepRecordText, rememberRecordTexts } from "../json/recordText.js"
import { redactText } from "../redaction/redact.js"

export interface CallInput {
  /** values of the path's `{parameters}` */
  readonly path?: Readonly<Record<string, string>> | undefined
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  readonly body?: unknown
}

export interface ApiSettings {
  /** the API's base URL; defaults to the manifest's requester base_url */
  readonly baseUrl?: string | undefined
}

export class ApiClient extends Context.Tag("justworks-connector/ApiClient")<ApiClient, {
  /** call an endpoint of the manifest; resolves to the parsed JSON body (undefined when empty) */
  readonly call: (endpointId: string, input?: CallInput) => Effect.Effect<unknown, ApiError | TokenError>
  /**
   * the same, setting `track.unclear` when a send of the request failed in a way that leaves open whether the
   * API acted on it (the connection broke once the request was out, no answer in time, a server error): a
   * write found already done may then have been done by that send, and one that fails may have been applied
   */
  readonly callTracked: (endpointId: string, input: CallInput, track: { unclear: boolean }) => Effect.Effect<unknown, ApiError | TokenError>
}>() {
  static make = (settings: ApiSettings = {}) =>
    Effect.gen(function*() {
      const connector = yield* ConnectorModel
      const transport = yield* HttpTransport
      const tokens = yield* Credentials
      const requester = connector.requester
      const baseUrl = (settings.baseUrl ?? requester.base_url).replace(/\/+$/, "")
      const schedules = { repeatable: retrySchedule(connector.retry, true), once: retrySchedule(connector.retry, false) }
      const baseHeaders: Record<string, string> = { accept: "application/json" }
      for (const [name, value] of Object.entries(requester.headers)) baseHeaders[name.toLowerCase()] = value

      /** The request headers with a token: the same object for every request with that token (undici only reads it). */
      let authorized: { readonly token: Redacted.Redacted<string>; readonly headers: Readonly<Record<string, string>> } | undefined
      const headersWith = (token: Redacted.Redacted<string>) => {
        if (authorized?.token !== token) {
          authorized = { token, headers: { ...baseHeaders, authorization: `Bearer ${Redacted.value(token)}` } }
        }
        return authorized.headers
      }

      /** What every call of an endpoint shares, worked out on its first call. */
      const targets = new Map<string, Target>()
      const targetOf = (endpointId: string): Target | undefined => {
        const known = targets.get(endpointId)
        if (known !== undefined) return known
        const endpoint = connector.endpoints.get(endpointId)
        if (endpoint === undefined) return undefined
        const method = endpoint.method
        const request = `${method} ${endpoint.path}`
        const fail: Fail = (reason, detail, extra = {}) => new ApiError({ reason, endpoint: endpointId, request, detail, ...extra })
        const target: Target = {
          endpoint,
          method,
          repeatable: endpoint.repeatable,
          path: compilePath(endpoint.path),
          fail,
          classified: (response) =>
            FiberRef.getWith(keepRecordText, (keep) => classify(connector.scopeGraph, endpoint, response, fail, requester.max_json_depth, keep)),
          transportError: (e) =>
            Effect.fail(
              e.limit !== undefined
                ? fail("ResponseLimit", `${e.message} (defaults.requester.${e.limit === "BodySize" ? "max_body_size" : "response_deadline"})`)
                : fail("Transport", e.message, { ...(e.timedOut ? { timedOut: true } : {}), ...(e.unsent ? { unsent: true } : {}) })
            )
        }
        targets.set(endpointId, target)
        return target
      }

      /** `track.unclear` is set when a send fails unclearly (see `callTracked`) */
      const send = (endpointId: string, input: CallInput, track?: { unclear: boolean }): Effect.Effect<unknown, ApiError | TokenError> => {
        const target = targetOf(endpointId)
        if (target === undefined) return Effect.dieMessage(`unknown endpoint "${endpointId}"`)
        const { method, fail, classified, transportError } = target

        const path = target.path(input.path ?? {})
        if (typeof path !== "string") return Effect.fail(fail("InvalidRequest", `no value for path parameter {${path.missing}}`))
        let url = baseUrl + path
        let separator = "?"
        for (const name in input.query) {
          const value = input.query[name]
          if (value === undefined) continue
          url += `${separator}${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`
          separator = "&"
        }
        const body = input.body === undefined ? undefined : JSON.stringify(input.body)

        const sendWith = (token: Redacted.Redacted<string>) =>
          transport.send({
            method,
            url,
            headers: headersWith(token),
            body,
            timeout: requester.timeout,
            deadline: requester.response_deadline,
            maxBodyBytes: requester.max_body_size
          })

        // a 401 refreshes the token once and sends the request again with it
        const replay = (refused: Redacted.Redacted<string>) =>
          tokens.invalidate(refused).pipe(
            Effect.zipRight(tokens.token),
            Effect.flatMap((token) => Effect.matchEffect(sendWith(token), { onFailure: transportError, onSuccess: classified })),
            Effect.mapError((e) =>
              e.reason === "Authentication"
                ? fail("Authentication", "the API refused a freshly refreshed access token", { status: 401 })
                : e
            )
          )
        const withReplay = Effect.flatMap(tokens.token, (token) =>
          Effect.matchEffect(sendWith(token), {
            onFailure: transportError,
            onSuccess: (response) => (response.status === 401 ? replay(token) : classified(response))
          }))

        // the first attempt runs bare; only a failure starts the schedule (the common case costs none)
        return Effect.catchAll(withReplay, (first) =>
          Effect.flatMap(Schedule.driver(target.repeatable ? schedules.repeatable : schedules.once), (driver) => {
            const again = (error: ApiError | TokenError): Effect.Effect<unknown, ApiError | TokenError> => {
              if (track !== undefined && isUnclear(error)) track.unclear = true
              return Effect.matchEffect(driver.next(error), {
                onFailure: () => Effect.fail(error),
                onSuccess: () => Effect.catchAll(withReplay, again)
              })
            }
            return again(first)
          }))
      }

      const call = (endpointId: string, input: CallInput = {}) => send(endpointId, input)
      const callTracked = (endpointId: string, input: CallInput, track: { unclear: boolean }) => send(endpointId, input, track)

      return ApiClient.of({ call, callTracked })
    })

  static layer = (settings: ApiSettings = {}) => Layer.effect(ApiClient, ApiClient.make(settings))
}

/**
 * A failure after which the API may have acted on the request: a server error, a broken connection once the
 * request was out, no answer in time, an unreadable or refused answer. (A 429 or a refused connection says it
 * did not.)
 */
export const isUnclear = (error: ApiError | TokenError): boolean =>
  error instanceof ApiError &&
  (error.reason === "Server" || error.reason === "ResponseLimit" || (error.reason === "Transport" && error.unsent !== true))

/** A path template (`/v1/payrolls/{payroll_id}/paystubs`) as a function of its parameters' values. */
const compilePath = (template: string): (values: Readonly<Record<string, string>>) => string | { missing: string } => {
  const parts = template.split(/\{([^}]+)\}/)
  if (parts.length === 1) return () => template
  return (values) => {
    let path = parts[0]!
    for (let i = 1; i < parts.length; i += 2) {
      const value = values[parts[i]!]
      if (value === undefined) return { missing: parts[i]! }
      path += encodeURIComponent(value) + parts[i + 1]!
    }
    return path
  }
}

type Fail = (reason: ApiError["reason"], detail: string, extra?: Partial<ConstructorParameters<typeof ApiError>[0]>) => ApiError

interface Target {
  readonly endpoint: EndpointModel
  readonly method: string
  /** may be sent again after an unclear failure (else only after a 429 or a refused connection) */
  readonly repeatable: boolean
  readonly path: (values: Readonly<Record<string, string>>) => string | { missing: string }
  readonly fail: Fail
  /** a response as its body, or the `ApiError` its status means */
  readonly classified: (response: TransportResponse) => Effect.Effect<unknown, ApiError>
  readonly transportError: (e: TransportFailure) => Effect.Effect<never, ApiError>
}

/** The API's message of an error response; redacted, for an API may echo what it was sent (a token, a tax id). */
const errorDetail = (body: unknown, status: number): string => {
  const error = (body as { error?: { message?: unknown; details?: unknown } } | undefined)?.error
  if (error && typeof error.message === "string") {
    const details = Array.isArray(error.details)
      ? error.details.map((d: { field?: string; message?: string }) => `${d.field ?? "?"}: ${d.message ?? ""}`).join("; ")
      : ""
    return redactText(details === "" ? error.message : `${error.message} (${details})`)
  }
  return `HTTP ${status}`
}

/**
 * A response as the body it carries, or the `ApiError` its status means (its headers are read only for a 429).
 * A body nested deeper than the requester's `max_json_depth` is refused before it is parsed: what handles it
 * next (record checks, the output's serializer) recurses, and would overflow the stack thousands of levels down.
 */
const classify = (
  graph: ScopeGraph,
  endpoint: EndpointModel,
  response: TransportResponse,
  fail: Fail,
  maxDepth: number,
  keepText: boolean
): Effect.Effect<unknown, ApiError, never> => {
  const { status, text } = response
  let body: unknown = undefined
  let parsed = true
  // a read that writes records out as they came also finds where each lies, in the same pass
  const scanned = status < 200 || status >= 300 ? undefined : keepText ? scanBody(text, maxDepth) : { beyond: nestingBeyond(text, maxDepth), items: undefined }
  if (scanned?.beyond !== undefined) {
    return Effect.fail(fail("ResponseLimit", `the JSON of the response is nested deeper than ${maxDepth} levels (defaults.requester.max_json_depth)`, { status }))
  }
  if (text !== "") {
    try {
      body = JSON.parse(text)
    } catch {
      parsed = false
    }
  }
  if (status >= 200 && status < 300) {
    if (parsed && keepText && scanned?.items !== undefined) rememberRecordTexts(body, text, scanned.items)
    return parsed
      ? Effect.succeed(body)
      : Effect.fail(fail("Transport", `the response body is not valid JSON (${text.length} bytes; truncated?)`, { status }))
  }
  const detail = errorDetail(body, status)
  if (status === 401) return Effect.fail(fail("Authentication", detail, { status }))
  if (status === 403) return Effect.fail(missingScope(graph, endpoint, body, status, detail, fail))
  if (status === 404) return Effect.fail(fail("NotFound", detail, { status }))
  if (status === 429) {
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const retryAfter = parseRetryAfter(response.headers["retry-after"], now)
      return Effect.fail(fail("RateLimited", detail, { status, ...(retryAfter ? { retryAfter } : {}) }))
    })
  }
  if (status >= 500) return Effect.fail(fail("Server", detail, { status }))
  return Effect.fail(fail("InvalidRequest", detail, { status }))
}

/** A 403: name the scopes the endpoint needs (as the API says, else as the manifest says) and the presets granting them. */
const missingScope = (graph: ScopeGraph, endpoint: EndpointModel, body: unknown, status: number, detail: string, fail: Fail): ApiError => {
  const named = (body as { error?: { required_scopes?: unknown } } | undefined)?.error?.required_scopes
  const required = Array.isArray(named) && named.length > 0 && named.every((s) => typeof s === "string")
    ? named as Array<string>
    : [...endpoint.scopes]
  const presets = [...new Set(required.flatMap((scope) => presetsGranting(graph, scope)))]
  return fail("MissingScope", detail, { status, requiredScopes: required, presets })
}
