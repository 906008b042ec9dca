/**
 * How the runtime checks each record against its stream's schema (records pass through unchanged), and what a
 * record that fails its check does:
 * - `strict`: fails its stream (for CI: the API disagrees with its description);
 * - `warn` (the default): the record is kept, and the problem reported once per field and reason with a count;
 * - `off`: records are not checked.
 */
import { Context, Effect, Layer } from "effect"
import { ConnectorModel } from "../model/ConnectorModel.js"

export type ValidationMode = "strict" | "warn" | "off"

export const validationModes: ReadonlyArray<ValidationMode> = ["strict", "warn", "off"]

export interface RecordProblem {
  /** field path inside the record, e.g. `name.given_name` */
  readonly path: string
  readonly message: string
}

export type RecordValidator = (record: unknown) => RecordProblem | undefined

export class RecordValidation extends Context.Tag("justworks-connector/RecordValidation")<RecordValidation, {
  readonly mode: ValidationMode
  readonly validator: (stream: string) => RecordValidator
}>() {
  /** each record is checked against its stream's schema from the OpenAPI description */
  static layer = (mode: ValidationMode = "warn"): Layer.Layer<RecordValidation, never, ConnectorModel> =>
    mode === "off" ? RecordValidation.layerNone : Layer.effect(
      RecordValidation,
      Effect.map(ConnectorModel, ({ records }) => RecordValidation.of({ mode, validator: (stream) => records.validator(stream) }))
    )

  /** accept every record */
  static layerNone = Layer.succeed(RecordValidation, RecordValidation.of({ mode: "off", validator: () => () => undefined }))
}

/**
 * A problem as it is reported: where and what was expected, never the value found (a record's values may be
 * personal data).
 */
export const problemKey = (problem: RecordProblem): string => {
  const expected = problem.message.replace(/, actual [\s\S]*$/, "")
  return problem.path === "" ? expected : `${problem.path}: ${expected}`
}
