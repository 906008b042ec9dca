import { Command, Options } from "@effect/cli"
import { lazy } from "../lazy.js"
import { actionsOption, presetsOption } from "../selectionFlags.js"

const delimiterOption = Options.choice("delimiter", ["space", "comma", "semicolon", "pipe", "newline"] as const).pipe(
  Options.withDescription("what separates the scopes"),
  Options.withDefault("space" as const)
)
const closureOption = Options.boolean("closure").pipe(
  Options.withDescription("every scope the selection grants (implied ones included), not the minimal list to request")
)

export const scopesCommand = Command.make(
  "scopes",
  { presets: presetsOption, actions: actionsOption, delimiter: delimiterOption, closure: closureOption },
  (args) => lazy(() => import("../handlers/scopesHandler.js"), (m) => m.scopesHandler(args))
).pipe(Command.withDescription("Print the minimal scope list for presets and/or actions (default: the default presets)."))
