/**
 * The raw limits' one way of reading the fixture: raw undici (keep-alive `Agent`), `/v1/members` 100 a page,
 * each page `JSON.parse`d. Yields each page's records and the cursor of the next page (null after the last).
 */
import { Agent } from "undici"

export async function* memberPages(origin, token) {
  const agent = new Agent()
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" }
  try {
    let cursor = null
    do {
      const path = cursor === null ? "/v1/members?limit=100" : `/v1/members?limit=100&cursor=${encodeURIComponent(cursor)}`
      const { statusCode, body } = await agent.request({ origin, path, method: "GET", headers })
      const text = await body.text()
      if (statusCode !== 200) throw new Error(`GET ${path}: HTTP ${statusCode}`)
      const page = JSON.parse(text)
      cursor = page.next_cursor
      yield { items: page.items, next: cursor }
    } while (cursor !== null)
  } finally {
    await agent.close()
  }
}
