/** undici's agent and errors, in a module of their own: `HttpTransport.layerUndici` loads it when built. */
export { Agent, errors } from "undici"
