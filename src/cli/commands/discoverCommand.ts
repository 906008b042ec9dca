import { Command } from "@effect/cli"
import { allowInsecureHttpOption, configOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

export const discoverCommand = Command.make(
  "discover",
  { config: configOption, allowInsecureHttp: allowInsecureHttpOption },
  () => lazy(() => import("../handlers/discoverHandler.js"), (m) => m.discoverHandler)
).pipe(Command.withDescription("Print the CATALOG: every stream the connection's scopes allow, with its schema, sync modes, cursor and key."))
