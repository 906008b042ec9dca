/** `--preset NAME…` and `--action ID…`: a selection of the manifest's presets and actions. */
import { Options } from "@effect/cli"

export const presetsOption = Options.text("preset").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("a permission preset (repeatable); none and no --action: the default presets"),
  Options.repeated
)

export const actionsOption = Options.text("action").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("an action the connection must be able to run (repeatable)"),
  Options.repeated
)
