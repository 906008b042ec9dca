/** How the runtime checks each record against its stream's schema (records pass through unchanged). */
import { Context, Effect, Layer } from "effect"
import { ConnectorModel } from "../model/ConnectorModel.js"

export interface RecordProblem {
  /** field path inside the record, e.g. `name.given_name` */
  readonly path: string
  readonly message: string
}

export type RecordValidator = (record: unknown) => RecordProblem | undefined

export class RecordValidation extends Context.Tag("justworks-connector/RecordValidation")<RecordValidation, {
  readonly validator: (stream: string) => RecordValidator
}>() {
  /** each record is checked against its stream's schema from the OpenAPI description */
  static layer = Layer.effect(
    RecordValidation,
    Effect.map(ConnectorModel, ({ records }) => RecordValidation.of({ validator: (stream) => records.validator(stream) }))
  )

  /** accept every record (for measuring the rest of the pipeline) */
  static layerNone = Layer.succeed(RecordValidation, RecordValidation.of({ validator: () => () => undefined }))
}
