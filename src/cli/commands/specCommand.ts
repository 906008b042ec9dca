import { Command } from "@effect/cli"
import { lazy } from "../lazy.js"

export const specCommand = Command.make("spec", {}, () => lazy(() => import("../handlers/specHandler.js"), (m) => m.specHandler)).pipe(
  Command.withDescription("Print the SPEC message: the JSON Schema of the connection config (Airbyte protocol).")
)
