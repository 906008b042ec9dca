/** Types of the two undici modules `undici.ts` loads: the same values undici's index exports. */
declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici"
  const AgentClass: typeof Agent
  export default AgentClass
}

declare module "undici/lib/core/errors.js" {
  import type { errors } from "undici"
  const undiciErrors: typeof errors
  export default undiciErrors
}
