import { Command } from "@effect/cli"
import { lazy } from "../lazy.js"

export const catalogEntryCommand = Command.make(
  "catalog-entry",
  {},
  () => lazy(() => import("../handlers/catalogEntryHandler.js"), (m) => m.catalogEntryHandler)
).pipe(
  Command.withDescription(
    "Print the connector's registration document: auth and redirect URIs, scopes, presets, actions, healthchecks and streams."
  )
)
