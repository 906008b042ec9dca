import { Schema } from "effect"

/** A command ran but did not do all it should (e.g. some streams could not be read); the message says what. */
export class CommandFailed extends Schema.TaggedError<CommandFailed>()("CommandFailed", {
  reason: Schema.Literal("StreamsIncomplete", "Unhealthy", "RowsNotApplied"),
  message: Schema.String
}) {}
