import { Args, Command, Options } from "@effect/cli"
import { configOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

const actionArg = Args.text({ name: "ID" }).pipe(Args.withDescription("the action, e.g. get_company, list_members, create_deductions"))
const inputOption = Options.text("input").pipe(
  Options.withDescription("the action's parameters and body: a JSON object, or @file holding one"),
  Options.optional
)
const revealOption = Options.boolean("reveal").pipe(Options.withDescription("print Social Security numbers in full (masked by default)"))

export const actionCommand = Command.make(
  "action",
  { id: actionArg, config: configOption, input: inputOption, reveal: revealOption },
  (args) => lazy(() => import("../handlers/actionHandler.js"), (m) => m.actionHandler(args))
).pipe(Command.withDescription("Run an action (any of the 25 in connector.yaml) and print its JSON result."))
