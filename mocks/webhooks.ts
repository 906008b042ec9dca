/** The partner installation's webhooks; `resume` re-opens one, `simulate` records a test delivery. */
import { webhookDefinitions } from "./companyCatalog.js"
import type { DataContext } from "./dataContext.js"
import { IdKind } from "./idCodec.js"

export interface WebhookRecord {
  readonly id: string
  readonly url: string
  status: "opened" | "closed"
  readonly event_types: ReadonlyArray<string>
}

export interface WebhookSimulation {
  readonly webhook_id: string
  readonly url: string
  readonly payload: Record<string, unknown>
  readonly at: number
}

export interface Webhooks {
  readonly list: ReadonlyArray<WebhookRecord>
  readonly get: (webhookId: string) => WebhookRecord | undefined
  readonly resume: (webhook: WebhookRecord) => void
  readonly simulate: (webhook: WebhookRecord, body: { readonly url_override?: string; readonly payload_override?: Record<string, unknown> }, at: number) => WebhookSimulation
  readonly simulations: () => ReadonlyArray<WebhookSimulation>
}

export const makeWebhooks = (ctx: DataContext): Webhooks => {
  const list: Array<WebhookRecord> = webhookDefinitions.map((d, i) => ({
    id: ctx.ids.encode(IdKind.webhook, i),
    url: `https://hooks.partner.example.com/justworks/${d.path}`,
    status: d.status,
    event_types: [...d.eventTypes]
  }))
  const simulations: Array<WebhookSimulation> = []
  const get = (webhookId: string) => list.find((w) => w.id === webhookId)
  const resume = (webhook: WebhookRecord) => { webhook.status = "opened" }
  const simulate: Webhooks["simulate"] = (webhook, body, at) => {
    const simulation: WebhookSimulation = {
      webhook_id: webhook.id,
      url: body.url_override ?? webhook.url,
      payload: body.payload_override ?? { event_type: webhook.event_types[0] ?? "member.profile.updated", data: {} },
      at
    }
    simulations.push(simulation)
    return simulation
  }
  return { list, get, resume, simulate, simulations: () => simulations }
}
