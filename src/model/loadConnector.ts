/**
 * Read `connector.yaml`: YAML → the Manifest schema → the `Connector` model, resolved against its OpenAPI
 * description. Every rejection names the file, line, column and document path, and says what was expected.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as PlatformPath from "@effect/platform/Path"
import { Effect, Either, ParseResult, Schema } from "effect"
import * as YAML from "yaml"
import { Manifest } from "../manifest/Manifest.js"
import { ManifestError, type ManifestProblem } from "../manifest/ManifestError.js"
import { parseSpec, type OpenApiSpec } from "../spec/OpenApiSpec.js"
import { snapshotValue } from "../spec/documentSnapshot.js"
import type { Connector } from "./Connector.js"
import { formatPath, type Path, type PathProblem } from "./problems.js"
import { resolveConnector } from "./resolve.js"

const decode = Schema.decodeUnknownEither(Manifest, { errors: "all", onExcessProperty: "error" })

interface Located {
  readonly doc: YAML.Document.Parsed
  readonly lines: YAML.LineCounter
}

/** Line and column of the node at `path`, or of its nearest ancestor that exists. */
const locate = ({ doc, lines }: Located, path: Path, atKey: boolean): { line: number; column: number } => {
  let node: unknown = doc.contents
  let best: unknown = node
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => (YAML.isScalar(p.key) ? p.key.value : p.key) === seg)
      if (pair === undefined) break
      node = pair.value
      // keys stand for their entry: a missing child is reported at its parent's key
      best = (atKey && i >= path.length - 2) || pair.value === null ? pair.key : pair.value
    } else if (YAML.isSeq(node) && typeof seg === "number") {
      node = node.items[seg]
      if (node === undefined) break
      best = node
    } else break
  }
  const range = (best as { range?: [number, number, number] } | null)?.range
  const pos = lines.linePos(range?.[0] ?? 0)
  return { line: pos.line, column: pos.col }
}

const toProblem = (located: Located, p: PathProblem): ManifestProblem => ({
  reason: p.reason,
  ...locate(located, p.path, p.atKey ?? false),
  path: formatPath(p.path),
  message: p.message
})

const fail = (file: string, problems: ReadonlyArray<ManifestProblem>) =>
  Effect.fail(new ManifestError({ file, problems: problems as [ManifestProblem, ...Array<ManifestProblem>] }))

const schemaProblems = (located: Located, error: ParseResult.ParseError): Array<ManifestProblem> => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const key = (path: ReadonlyArray<PropertyKey>) => path.map(String).join("\u0000")
  // an optional field that fails reports "Expected undefined" beside the real issue under it: drop that noise
  const deeper = (issue: ParseResult.ArrayFormatterIssue) =>
    issues.some((other) => other !== issue && other.path.length > issue.path.length && key(other.path.slice(0, issue.path.length)) === key(issue.path))
  return issues
    .filter((issue) => !(issue.message.startsWith("Expected undefined") && deeper(issue)))
    .map((issue) => {
      const path = issue.path.map((s) => (typeof s === "symbol" ? String(s) : s))
      const atKey = issue._tag === "Unexpected" || issue._tag === "Missing"
      const message = issue._tag === "Missing"
        ? "is missing"
        : issue._tag === "Unexpected"
        ? `unknown key "${String(path[path.length - 1])}"`
        : issue.message
      return toProblem(located, { reason: "Shape", path, atKey, message })
    })
}

/** Parse manifest text into the connector, given the OpenAPI description it must agree with. */
export const parseConnector = (
  file: string,
  text: string,
  spec: OpenApiSpec
): Effect.Effect<Connector, ManifestError> =>
  Effect.suspend(() => {
    // the packaged manifest parsed at build time; anything amiss is parsed again for its line numbers
    const fromSnapshot = accepted(file, snapshotValue(text), spec)
    if (fromSnapshot !== undefined) return Effect.succeed(fromSnapshot)
    const located = parseYaml(text)
    if (Either.isLeft(located)) return fail(file, located.left)
    const decoded = decode(located.right.doc.toJS({ maxAliasCount: -1 }))
    if (Either.isLeft(decoded)) return fail(file, schemaProblems(located.right, decoded.left))
    const resolved = resolveConnector(file, decoded.right, spec)
    if (Either.isLeft(resolved)) return fail(file, resolved.left.map((p) => toProblem(located.right, p)))
    return Effect.succeed(resolved.right)
  })

/** A manifest value that resolves, resolved; `undefined` for anything else (no value, any problem). */
const accepted = (file: string, value: unknown, spec: OpenApiSpec): Connector | undefined => {
  if (value === undefined) return undefined
  const decoded = decode(value)
  if (Either.isLeft(decoded)) return undefined
  const resolved = resolveConnector(file, decoded.right, spec)
  return Either.isRight(resolved) ? resolved.right : undefined
}

const parseYaml = (text: string): Either.Either<Located, Array<ManifestProblem>> => {
  const lines = new YAML.LineCounter()
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return Either.left(doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0])
      return { reason: "Syntax", line: pos.line, column: pos.col, path: "", message: e.message.split("\n")[0]! }
    }))
  }
  if (!YAML.isMap(doc.contents)) {
    return Either.left([{ reason: "Shape", line: 1, column: 1, path: "", message: "expected a mapping at the top of the document" }])
  }
  return Either.right({ doc, lines })
}

/** The `connector.spec` entry, read without decoding the whole manifest (to find the OpenAPI file). */
const specReference = (text: string): string | undefined => {
  const snapshot = snapshotValue(text) as { connector?: { spec?: unknown } } | undefined
  const value = snapshot !== undefined ? snapshot.connector?.spec : YAML.parseDocument(text).getIn(["connector", "spec"])
  return typeof value === "string" ? value : undefined
}

/** Load a manifest file and the OpenAPI description it names (relative to the manifest) into the connector. */
export const loadConnector = (
  file: string
): Effect.Effect<Connector, ManifestError, FileSystem.FileSystem | PlatformPath.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* PlatformPath.Path
    const unreadable = (target: string, path: string) => (e: { message: string }) =>
      new ManifestError({
        file: target,
        problems: [{ reason: "Unreadable", line: 0, column: 0, path, message: e.message }]
      })
    const text = yield* fs.readFileString(file).pipe(Effect.mapError(unreadable(file, "")))
    const specFile = path.join(path.dirname(file), specReference(text) ?? "schemas/justworks.openapi.yaml")
    const specText = yield* fs.readFileString(specFile).pipe(Effect.mapError(unreadable(file, "connector.spec")))
    const spec = yield* parseSpec(specFile, specText).pipe(Effect.mapError(unreadable(file, "connector.spec")))
    return yield* parseConnector(file, text, spec)
  })
