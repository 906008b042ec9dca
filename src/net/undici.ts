/**
 * undici's agent and errors, in a module of their own: `HttpTransport.layerUndici` loads it when built. Only
 * these two are loaded, not undici's index: that one also loads fetch, WebSocket, cookies, the mock agent and
 * the caches, and through them Node's own copy of undici, none of which the transport uses (it dispatches
 * through the agent). `undiciParts.d.ts` types them as the index does.
 */
import type { Agent as UndiciAgent, errors as UndiciErrors } from "undici"
import AgentClass from "undici/lib/dispatcher/agent.js"
import undiciErrors from "undici/lib/core/errors.js"

export const Agent: typeof UndiciAgent = AgentClass
export const errors: typeof UndiciErrors = undiciErrors
