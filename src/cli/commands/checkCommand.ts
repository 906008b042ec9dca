import { Command } from "@effect/cli"
import { allowInsecureHttpOption, configOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

export const checkCommand = Command.make(
  "check",
  { config: configOption, allowInsecureHttp: allowInsecureHttpOption },
  () => lazy(() => import("../handlers/checkHandler.js"), (m) => m.checkHandler)
).pipe(Command.withDescription("Check the connection: CONNECTION_STATUS from the healthchecks its scopes allow (Airbyte protocol)."))
