/** A tiny fetch-based client for the mock's own tests. */
import type { MockServer } from "./startMockServer.js"

export interface TestResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** Parsed JSON, or undefined for an empty or unparsable body. */
  readonly body: any
  /** False when a body was sent that is not JSON. */
  readonly json: boolean
}

export interface TestClient {
  readonly get: (path: string, token?: string) => Promise<TestResponse>
  readonly send: (method: string, path: string, body?: unknown, token?: string) => Promise<TestResponse>
  readonly form: (path: string, fields: Record<string, string>) => Promise<TestResponse>
  /** Every page of a list, following next_cursor (at most maxPages). */
  readonly all: (path: string, token?: string, maxPages?: number) => Promise<ReadonlyArray<any>>
}

const read = async (response: Response): Promise<TestResponse> => {
  const text = await response.text()
  let body: unknown = undefined
  let json = true
  if (text.length > 0) {
    try { body = JSON.parse(text) } catch { json = false }
  }
  return { status: response.status, headers: response.headers, text, body, json }
}

export const testClient = (server: MockServer, defaultToken?: string): TestClient => {
  const auth = (token: string | undefined): Record<string, string> => {
    const t = token ?? defaultToken
    return t === undefined ? {} : { authorization: `Bearer ${t}` }
  }
  const get = async (path: string, token?: string) => read(await fetch(server.url + path, { headers: auth(token) }))
  const send = async (method: string, path: string, body?: unknown, token?: string) =>
    read(await fetch(server.url + path, {
      method,
      headers: { ...auth(token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    }))
  const form = async (path: string, fields: Record<string, string>) =>
    read(await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() }))
  const all = async (path: string, token?: string, maxPages = 10_000) => {
    const items: Array<any> = []
    let cursor: string | null = null
    for (let page = 0; page < maxPages; page++) {
      const sep = path.includes("?") ? "&" : "?"
      const r = await get(cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`, token)
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`)
      items.push(...r.body.items)
      cursor = r.body.next_cursor
      if (cursor === null) return items
    }
    throw new Error(`${path}: more than ${maxPages} pages`)
  }
  return { get, send, form, all }
}
