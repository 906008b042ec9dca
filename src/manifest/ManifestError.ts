import { Schema } from "effect"

/**
 * Why a manifest was rejected:
 * - `Unreadable`: the manifest or its OpenAPI file could not be read
 * - `Syntax`: not well-formed YAML
 * - `Shape`: a value has the wrong type or form
 * - `Reference`: a name refers to nothing, or names collide, or references form a cycle
 * - `Spec`: the manifest disagrees with the OpenAPI description
 * - `Coverage`: an action or healthcheck's scopes do not cover what it calls
 */
export const ManifestErrorReason = Schema.Literal("Unreadable", "Syntax", "Shape", "Reference", "Spec", "Coverage")
export type ManifestErrorReason = typeof ManifestErrorReason.Type

/** One thing wrong with a manifest, located in its file. */
export const ManifestProblem = Schema.Struct({
  reason: ManifestErrorReason,
  /** 1-based; 0 when the problem has no place in the file (e.g. the file is missing) */
  line: Schema.Number,
  column: Schema.Number,
  /** the path in the document, e.g. `endpoints.list_members.scopes[0]` (empty for the whole document) */
  path: Schema.String,
  message: Schema.String
})
export type ManifestProblem = typeof ManifestProblem.Type


export class ManifestError extends Schema.TaggedError<ManifestError>()("ManifestError", {
  file: Schema.String,
  problems: Schema.NonEmptyArray(ManifestProblem)
}) {
  /** the kind of the first problem */
  get reason(): ManifestErrorReason {
    return this.problems[0].reason
  }

  override get message(): string {
    const lines = this.problems.map((p) => {
      const where = p.line > 0 ? `${this.file}:${p.line}:${p.column}` : this.file
      return `${where}${p.path === "" ? "" : ` at ${p.path}`}: ${p.message}`
    })
    const head = this.problems.length === 1 ? "invalid manifest" : `invalid manifest (${this.problems.length} problems)`
    return `${head}\n${lines.map((l) => `  ${l}`).join("\n")}`
  }
}
