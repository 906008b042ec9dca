/**
 * The stateful mock of the Justworks Partner API: a real node:http server on 127.0.0.1 serving the
 * spec's operations over a deterministic seeded company, with OAuth, scope checks, cursor pagination,
 * persisted deduction writes, switchable faults and a request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { loadApiContract } from "./apiContract.js"
import { ApiError, OAuthError } from "./apiError.js"
import { type ApiHandler, type ApiResponse, makeApiHandlers } from "./apiHandlers.js"
import { dayOfMs, httpDate, parseIsoDate } from "./calendar.js"
import { type FaultKind, type FaultPlan, type FaultRule, type RetryAfter, makeFaultInjector } from "./faults.js"
import { makeMockData } from "./mockData.js"
import { type MockStore, makeMockStore } from "./mockStore.js"
import { bearerToken, type IssuedTokens, makeOAuthServer } from "./oauthServer.js"
import { makePaginator } from "./pagination.js"
import { bodyText, serialize } from "./rawJson.js"
import { validateQuery } from "./validateQuery.js"

export interface MockOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string
  /** Seed of the generated company (default 1). */
  readonly seed?: number
  /** Number of members (default 250). */
  readonly members?: number
  /** The data's "today" (YYYY-MM-DD or epoch ms); default: the UTC day of `now()` at startup. */
  readonly asOf?: string | number
  /** Months of semi-monthly payrolls (default 24). */
  readonly payrollMonths?: number
  /** Average time-off requests per member over the two-year window (default 2). */
  readonly timeOffRequestsPerMember?: number
  readonly clientId?: string
  readonly clientSecret?: string
  /** Access token lifetime (default 86400). */
  readonly accessTokenTtlSeconds?: number
  /** Refresh token lifetime (default 30 days). */
  readonly refreshTokenTtlSeconds?: number
  /** The server clock (epoch ms) used for token expiry, `touchMember` and Retry-After dates; default Date.now. */
  readonly now?: () => number
  /** Faults active from startup (see setFaults). */
  readonly faults?: FaultPlan
  /** A balance report answers `pending` to this many polls before it is ready (default 2). */
  readonly reportReadyAfterPolls?: number
  /** Override the descriptions the mock reads (default: the project's). */
  readonly specPath?: string
  readonly connectorPath?: string
  /**
   * Answer an operation the mock has no handler for with the first example of its success response in the
   * spec (an endpoint just added to a copy of the spec), instead of refusing to start.
   */
  readonly serveExamples?: boolean
}

export interface RequestLogEntry {
  /** 1-based number of the request since the server started (not reset by clearLog). */
  readonly n: number
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The bearer token sent, if any. */
  readonly token: string | undefined
  /** The status answered, or "reset" when the connection was destroyed instead. */
  readonly status: number | "reset"
  /** Server clock when the request arrived. */
  readonly at: number
  readonly operationId: string | undefined
  readonly fault: FaultKind | undefined
}

export interface MockServer {
  readonly url: string
  readonly port: number
  readonly clientId: string
  readonly clientSecret: string
  /** Every request answered (or reset) so far, in the order answers were decided. */
  readonly requests: ReadonlyArray<RequestLogEntry>
  readonly clearLog: () => void
  /** Replace the fault plan; rule counters restart. */
  readonly setFaults: (plan: FaultPlan) => void
  /** Access + refresh token for these scopes, as if the authorize flow had granted them. */
  readonly issueTokens: (scopes: ReadonlyArray<string>) => IssuedTokens
  /** Every scope the API knows (handy for an all-scopes token). */
  readonly scopes: ReadonlyArray<string>
  readonly store: MockStore
  /** Stops listening and destroys every connection, keep-alive ones included. */
  readonly close: () => Promise<void>
}

interface Reply {
  readonly status: number
  readonly headers: Record<string, string>
  /** Serialized body ("" for none): text, or its UTF-8 bytes when spliced from pre-serialized records. */
  readonly text: string | Buffer
  readonly operationId: string | undefined
  readonly repeatCursor?: string
}

const json = (status: number, body: unknown, operationId: string | undefined, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  text: body === undefined ? "" : serialize(body),
  operationId
})

const anchorDayOf = (asOf: string | number | undefined, now: number): number => {
  if (asOf === undefined) return dayOfMs(now)
  if (typeof asOf === "number") return dayOfMs(asOf)
  const day = parseIsoDate(asOf)
  if (day === undefined) throw new Error(`asOf must be YYYY-MM-DD, got ${asOf}`)
  return day
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

export const startMockServer = async (options: MockOptions = {}): Promise<MockServer> => {
  const now = options.now ?? Date.now
  const seed = options.seed ?? 1
  const contract = loadApiContract(options.specPath, options.connectorPath)
  const data = makeMockData({
    seed,
    memberCount: options.members ?? 250,
    anchorDay: anchorDayOf(options.asOf, now()),
    payrollMonths: options.payrollMonths ?? 24,
    timeOffRequestsPerMember: options.timeOffRequestsPerMember ?? 2
  })
  const store = makeMockStore(data, now)
  const clientId = options.clientId ?? "mock-client-id"
  const clientSecret = options.clientSecret ?? "mock-client-secret"
  const oauth = makeOAuthServer({
    clientId,
    clientSecret,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 86_400,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 86_400,
    now,
    knownScopes: contract.scopes
  })
  const handlers: Record<string, ApiHandler> = { ...makeApiHandlers(data, contract, makePaginator(seed), { reportReadyAfterPolls: options.reportReadyAfterPolls ?? 2 }) }
  const oauthOperations: Record<string, (form: URLSearchParams) => unknown> = {
    exchange_token: (form) => oauth.token(form),
    revoke_token: (form) => { oauth.revoke(form); return undefined }
  }
  const missing = contract.operations.filter((o) => !(o.operationId in handlers) && !(o.operationId in oauthOperations))
  const unserved = options.serveExamples === true ? missing.filter((o) => o.example === undefined) : missing
  if (unserved.length > 0) {
    throw new Error(`the mock has no handler for ${unserved.map((o) => o.operationId).join(", ")}${options.serveExamples === true ? " and the spec no example of its response" : ""}`)
  }
  for (const o of missing) {
    const example = o.example!
    handlers[o.operationId] = () => ({ status: example.status, body: structuredClone(example.body) })
  }
  const faults = makeFaultInjector(seed, options.faults ?? [])

  const requests: Array<RequestLogEntry> = []
  let counter = 0
  const sockets = new Set<Socket>()
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>()
  let closing = false

  const delay = (ms: number) => new Promise<void>((resolve) => {
    const entry = { timer: setTimeout(() => { timers.delete(entry); resolve() }, ms), resolve }
    timers.add(entry)
  })

  const retryAfterHeader = (retryAfter: RetryAfter | undefined): Record<string, string> => {
    if (retryAfter === undefined) return {}
    return { "retry-after": retryAfter.date === true ? httpDate(Math.ceil((now() + retryAfter.seconds * 1000) / 1000) * 1000) : String(Math.max(0, Math.round(retryAfter.seconds))) }
  }

  const faultReply = (rule: FaultRule, operationId: string | undefined): Reply | undefined => {
    switch (rule.kind) {
      case "rate_limit":
        return json(429, { error: { code: "rate_limited", message: "Request rate exceeded. Retry after the delay given in the Retry-After header." } }, operationId,
          retryAfterHeader(rule.retryAfter ?? { seconds: 1 }))
      case "server_error": {
        const status = rule.status ?? 503
        const code = status === 500 ? "internal_error" : status === 502 ? "bad_gateway" : "service_unavailable"
        return json(status, { error: { code, message: `Simulated ${status} from the mock server.` } }, operationId, retryAfterHeader(rule.retryAfter))
      }
      default:
        return undefined
    }
  }

  // A token's scope list is fixed when it is issued: follow its implications once per token, not per request.
  const closures = new WeakMap<ReadonlyArray<string>, ReadonlySet<string>>()
  const grantedScopes = (tokenScopes: ReadonlyArray<string>): ReadonlySet<string> => {
    let scopes = closures.get(tokenScopes)
    if (scopes === undefined) {
      scopes = contract.closure(tokenScopes)
      closures.set(tokenScopes, scopes)
    }
    return scopes
  }

  const route = (req: IncomingMessage, url: URL, rawBody: string): Reply => {
    const method = (req.method ?? "GET").toUpperCase()
    const path = url.pathname
    if (method === "GET" && path === "/oauth/authorize") {
      const result = oauth.authorize(url.searchParams)
      return result.status === 302
        ? { status: 302, headers: { location: result.location }, text: "", operationId: undefined }
        : { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, text: result.text, operationId: undefined }
    }
    const candidates = contract.operations.filter((o) => o.pattern.test(path))
    if (candidates.length === 0) return json(404, { error: { code: "not_found", message: `No route for ${path}.` } }, undefined)
    const operation = candidates.find((o) => o.method === method)
    if (operation === undefined) {
      return json(405, { error: { code: "method_not_allowed", message: `${method} is not allowed on ${path}.` } }, undefined, { allow: [...new Set(candidates.map((o) => o.method))].join(", ") })
    }
    const operationId = operation.operationId
    const oauthOperation = oauthOperations[operationId]
    if (oauthOperation !== undefined) {
      try {
        const contentType = String(req.headers["content-type"] ?? "")
        if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
          throw new OAuthError(400, "invalid_request", "The request body must be application/x-www-form-urlencoded.")
        }
        const body = oauthOperation(new URLSearchParams(rawBody))
        return body === undefined ? { status: 200, headers: {}, text: "", operationId } : json(200, body, operationId, { "cache-control": "no-store" })
      } catch (error) {
        if (error instanceof OAuthError) return json(error.status, error.body, operationId, { "cache-control": "no-store" })
        throw error
      }
    }
    const handler = handlers[operationId]
    if (handler === undefined) throw new Error(`no handler for ${operationId}`)
    try {
      let scopes: ReadonlySet<string> = new Set()
      if (operation.scopes !== undefined) {
        const auth = oauth.authenticate(req.headers.authorization)
        if (!auth.ok) {
          const message = {
            missing: "An access token is required: send Authorization: Bearer <token>.",
            unknown: "The access token is not valid.",
            expired: "The access token has expired; refresh it and try again.",
            revoked: "The access token has been revoked."
          }[auth.reason]
          throw new ApiError(401, auth.reason === "missing" ? "missing_token" : "invalid_token", message, {},
            { "www-authenticate": auth.reason === "missing" ? 'Bearer realm="justworks"' : `Bearer realm="justworks", error="invalid_token", error_description="${message}"` })
        }
        scopes = grantedScopes(auth.scopes)
        const lacking = operation.scopes.filter((s) => !scopes.has(s))
        if (lacking.length > 0) {
          throw new ApiError(403, "insufficient_scope",
            `This request needs the ${lacking.join(" and ")} scope${lacking.length > 1 ? "s" : ""}, which ${lacking.length > 1 ? "were" : "was"} not granted to the access token.`,
            { required_scopes: lacking },
            { "www-authenticate": `Bearer realm="justworks", error="insufficient_scope", scope="${operation.scopes.join(" ")}"` })
        }
      }
      validateQuery(operation, url.searchParams)
      const params: Record<string, string> = {}
      const m = operation.pattern.exec(path)
      operation.pathParams.forEach((name, i) => {
        const raw = m?.[i + 1] ?? ""
        try { params[name] = decodeURIComponent(raw) } catch { params[name] = raw }
      })
      let body: unknown = undefined
      let bodyInvalid = false
      if (rawBody.trim().length > 0) {
        try { body = JSON.parse(rawBody) } catch { bodyInvalid = true }
      }
      const response: ApiResponse = handler({ operationId, params, query: url.searchParams, body, bodyInvalid, scopes, now: now() })
      const reply = response.body === undefined
        ? { status: response.status, headers: {}, text: "", operationId }
        : json(response.status, response.body, operationId)
      return response.repeatCursor === undefined ? reply : { ...reply, repeatCursor: response.repeatCursor }
    } catch (error) {
      if (error instanceof ApiError) return json(error.status, error.body, operationId, { ...error.headers })
      throw error
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const n = ++counter
    const at = now()
    const method = (req.method ?? "GET").toUpperCase()
    const url = new URL(req.url ?? "/", "http://mock.invalid")
    const path = url.pathname
    const token = bearerToken(req.headers.authorization)
    const query = Object.fromEntries(url.searchParams)
    const fault = faults.decide(method, path)
    const log = (status: number | "reset", operationId: string | undefined) =>
      requests.push({ n, method, path, query, token, status, at, operationId, fault: fault?.kind })
    const operationIdOf = () => contract.operations.find((o) => o.method === method && o.pattern.test(path))?.operationId
    const destroy = (operationId: string | undefined) => {
      log("reset", operationId)
      req.socket.destroy()
    }

    let rawBody = ""
    try {
      rawBody = await readBody(req)
    } catch {
      destroy(operationIdOf())
      return
    }
    if (fault?.kind === "reset") return destroy(operationIdOf())
    let reply = fault === undefined ? undefined : faultReply(fault, operationIdOf())
    if (reply === undefined) {
      try {
        reply = route(req, url, rawBody)
      } catch (error) {
        reply = json(500, { error: { code: "internal_error", message: `Mock server bug: ${error instanceof Error ? error.message : String(error)}` } }, operationIdOf())
      }
      if (fault?.kind === "apply_then_reset") return destroy(reply.operationId)
      if (fault?.kind === "repeat_cursor" && reply.repeatCursor !== undefined) {
        const body = JSON.parse(bodyText(reply.text)) as Record<string, unknown>
        reply = { ...reply, text: JSON.stringify({ ...body, next_cursor: reply.repeatCursor }) }
      }
      if (fault?.kind === "patch" && reply.status >= 200 && reply.status < 300 && reply.text.length > 0) {
        const body = JSON.parse(bodyText(reply.text)) as Record<string, unknown>
        const items = body["items"]
        const target = Array.isArray(items) ? items[fault.item ?? 0] : body
        if (typeof target === "object" && target !== null) Object.assign(target, fault.set)
        reply = { ...reply, text: JSON.stringify(body) }
      }
      if (fault?.kind === "truncate") {
        const full = bodyText(reply.text)
        const text = full.length > 1 ? full.slice(0, Math.floor(full.length / 2)) : "{"
        reply = { ...reply, status: 200, headers: { "content-type": "application/json; charset=utf-8" }, text }
      }
      if (fault?.kind === "slow") await delay(fault.delayMs)
    }
    log(reply.status, reply.operationId)
    if (res.destroyed || closing) return
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(typeof reply.text === "string" ? Buffer.byteLength(reply.text) : reply.text.length) })
    res.end(reply.text)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy())
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("the mock server has no TCP address")
  const host = options.host ?? "127.0.0.1"

  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      closing = true
      for (const entry of timers) { clearTimeout(entry.timer); entry.resolve() }
      timers.clear()
      server.close(() => resolve())
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    })
    return closed
  }

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    clientId,
    clientSecret,
    requests,
    clearLog: () => { requests.length = 0 },
    setFaults: (plan) => faults.setPlan(plan),
    issueTokens: (scopes) => oauth.issueTokens(scopes),
    scopes: contract.scopes,
    store,
    close
  }
}
