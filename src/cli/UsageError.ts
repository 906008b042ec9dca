import { Schema } from "effect"

/**
 * The command line asks for something that cannot be done as given:
 * - `MissingOption`: an option the command needs in this case is absent (e.g. sync without --config or --mock)
 * - `InvalidOption`: an option's value is unusable
 * - `UnknownName`: a stream, action, preset or connection that does not exist (the message lists valid ones)
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  reason: Schema.Literal("MissingOption", "InvalidOption", "UnknownName"),
  message: Schema.String
}) {}
