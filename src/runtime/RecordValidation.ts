/** How the runtime checks each record against its stream's schema (records pass through unchanged). */
import { Context, Layer } from "effect"

export interface RecordProblem {
  /** field path inside the record, e.g. `name.given_name` */
  readonly path: string
  readonly message: string
}

export type RecordValidator = (record: unknown) => RecordProblem | undefined

export class RecordValidation extends Context.Tag("justworks-connector/RecordValidation")<RecordValidation, {
  readonly validator: (stream: string) => RecordValidator
}>() {
  /** accept every record (for measuring the rest of the pipeline) */
  static layerNone = Layer.succeed(RecordValidation, RecordValidation.of({ validator: () => () => undefined }))
}
