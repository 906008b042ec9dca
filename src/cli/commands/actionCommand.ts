import { Args, Command, Options } from "@effect/cli"
import { allowInsecureHttpOption, configOption, keepConfigFileOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

const actionArg = Args.text({ name: "ID" }).pipe(Args.withDescription("the action, e.g. get_company, list_members, create_deductions"))
const inputOption = Options.text("input").pipe(
  Options.withDescription(
    "the action's parameters and body: a JSON object, or @file holding one; for batch actions (create_deductions, update_deductions, cancel_deductions) the rows: JSON Lines in @file, - for standard input (the default when it is not a terminal), or inline"
  ),
  Options.optional
)
const dryRunOption = Options.boolean("dry-run").pipe(Options.withDescription("batch actions: validate the rows and print the requests that would be sent; send nothing"))
const partialOption = Options.boolean("partial").pipe(Options.withDescription("batch actions: send the valid rows even if others are invalid (those are reported)"))
const resumeOption = Options.boolean("resume").pipe(
  Options.withDescription("batch actions: continue the last run of the same rows from the journal (rows with an outcome are reported, not sent again)")
)
const journalOption = Options.text("journal").pipe(
  Options.withPseudoName("FILE|URL"),
  Options.withDescription(
    "batch actions: where each row's outcome is recorded, a SQLite file or a PostgreSQL URL (default: the config's token_store, else ~/.local/share/justworks-connector/tokens.db)"
  ),
  Options.optional
)
const revealOption = Options.boolean("reveal").pipe(
  Options.withDescription("print sensitive fields in full: taxpayer numbers, dates of birth, the fields connector.yaml declares sensitive (masked by default)")
)

export const actionCommand = Command.make(
  "action",
  {
    id: actionArg,
    config: configOption,
    input: inputOption,
    reveal: revealOption,
    dryRun: dryRunOption,
    partial: partialOption,
    resume: resumeOption,
    journal: journalOption,
    allowInsecureHttp: allowInsecureHttpOption,
    keepConfigFile: keepConfigFileOption
  },
  (args) => lazy(() => import("../handlers/actionHandler.js"), (m) => m.actionHandler(args))
).pipe(Command.withDescription(
  "Run an action (any of the 25 in connector.yaml) and print its JSON result. Batch actions take rows, validated in full before anything is sent, and print one JSON result line per row; the exit code is non-zero if any row was not applied."
))
