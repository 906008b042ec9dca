import { Command, Options } from "@effect/cli"
import { allowInsecureHttpOption, configOption, validationOption } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

const catalogOption = Options.file("catalog").pipe(Options.withDescription("the configured catalog (JSON): streams and sync modes"))
const stateOption = Options.file("state").pipe(
  Options.withDescription("state from a previous read (JSON array of STREAM state messages); incremental streams resume from it"),
  Options.optional
)

export const readCommand = Command.make(
  "read",
  { config: configOption, catalog: catalogOption, state: stateOption, validation: validationOption, allowInsecureHttp: allowInsecureHttpOption },
  (args) => lazy(() => import("../handlers/readHandler.js"), (m) => m.readHandler(args))
).pipe(Command.withDescription("Read the catalog's streams: RECORD, STATE, LOG and TRACE messages, one JSON object per line (Airbyte protocol)."))
