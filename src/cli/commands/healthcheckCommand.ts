import { Command, Options } from "@effect/cli"
import { keepConfigFileOption, storeFlags } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

const refreshOption = Options.boolean("refresh").pipe(
  Options.withDescription("refresh the tokens first (keeps an idle connection alive)")
)

export const healthcheckCommand = Command.make(
  "healthcheck",
  { ...storeFlags, refresh: refreshOption, keepConfigFile: keepConfigFileOption },
  (args) => lazy(() => import("../handlers/healthcheckHandler.js"), (m) => m.healthcheckHandler(args))
).pipe(
  Command.withDescription(
    "Run the healthchecks the connection's scopes allow and print them as a table (--config FILE, or the token store flags)."
  )
)
