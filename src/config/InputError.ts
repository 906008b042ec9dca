import { Schema } from "effect"

/**
 * A file or value given on the command line that cannot be used, located:
 * - `Unreadable`: the file cannot be read (missing, a directory, no permission)
 * - `Syntax`: not JSON
 * - `Invalid`: JSON of the wrong shape, or naming something that does not exist (`path` says where)
 *
 * The message is one line: what, where (file and JSON path) and why. It never holds a secret value.
 */
export class InputError extends Schema.TaggedError<InputError>()("InputError", {
  reason: Schema.Literal("Unreadable", "Syntax", "Invalid"),
  /** what the input is: "config", "catalog", "state", "action input" */
  input: Schema.String,
  /** the file, or the option the value came from (e.g. `--input`) */
  source: Schema.String,
  /** JSON path inside the input, e.g. `streams[2].sync_mode`; "" for the input as a whole */
  path: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid ${this.input}: ${this.source}${this.path === "" ? "" : ` at ${this.path}`}: ${this.detail}`
  }
}
