/**
 * The parts of connector.yaml a command needs before (or without) the whole connector: the connector's
 * identity, the scope graph (scopes, presets, and what each action needs: its endpoint's scopes and its
 * own) and, for `spec`, the OAuth settings. Read on their own, they cost milliseconds; the whole manifest,
 * checked against its OpenAPI description, is loaded when a connection is made.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Schema } from "effect"
import * as YAML from "yaml"
import { Manifest } from "../manifest/Manifest.js"
import { ManifestError } from "../manifest/ManifestError.js"
import { scopeGraph, type ScopeGraph } from "../scopes/ScopeAlgebra.js"
import { snapshotValue } from "../spec/documentSnapshot.js"

const ScopeSections = Schema.Struct({
  scopes: Manifest.fields.scopes,
  presets: Manifest.fields.presets,
  endpoints: Manifest.fields.endpoints,
  actions: Manifest.fields.actions
})

/** What the scope questions of a command are answered from. */
export type ManifestEssentials = ScopeGraph

/**
 * The text of the wanted top-level sections only (a fraction of the file: parsing is what costs). Undefined
 * when the file is not laid out as plain top-level blocks; the whole text is parsed then.
 */
const sectionsText = (text: string, sections: ReadonlyArray<string>): string | undefined => {
  const lines = text.split("\n")
  const out: Array<string> = []
  let keep = false
  for (const line of lines) {
    const top = /^([A-Za-z_][\w-]*)\s*:/.exec(line)
    if (top !== null) keep = sections.includes(top[1]!)
    else if (/^\S/.test(line) && !line.startsWith("#")) return undefined
    if (keep) out.push(line)
  }
  return out.join("\n")
}

const parseYaml = (text: string) => Either.try(() => YAML.parse(text, { maxAliasCount: -1 }) as unknown)

const readSections = <A, I>(schema: Schema.Schema<A, I>, sections: ReadonlyArray<string>) => {
  const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
  return (file: string): Effect.Effect<A, ManifestError, FileSystem.FileSystem> =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const problem = (message: string) =>
        new ManifestError({ file, problems: [{ reason: "Unreadable", line: 0, column: 0, path: "", message }] })
      const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => problem(e.message)))
      // the packaged manifest, parsed at build time
      const packaged = snapshotValue(text)
      const fromSnapshot = packaged === undefined ? undefined : decode(packaged)
      if (fromSnapshot !== undefined && Either.isRight(fromSnapshot)) return fromSnapshot.right
      const part = sectionsText(text, sections)
      const quick = part === undefined ? undefined : Either.flatMap(parseYaml(part), (json) => decode(json))
      if (quick !== undefined && Either.isRight(quick)) return quick.right
      // anchors defined elsewhere, flow style at the top, …: the whole document
      const parsed = parseYaml(text)
      if (Either.isLeft(parsed)) return yield* problem("not well-formed YAML")
      return yield* Either.mapLeft(decode(parsed.right), () => problem(`its ${sections.join(", ")} section is malformed`))
    })
}

const readScopeSections = readSections(ScopeSections, ["scopes", "presets", "endpoints", "actions"])

/** Read the scope graph of a manifest file (the file is checked in full when a connection loads it). */
export const readManifestEssentials = (file: string): Effect.Effect<ManifestEssentials, ManifestError, FileSystem.FileSystem> =>
  Effect.map(readScopeSections(file), scopeGraph)

/** What `spec` needs: the connector's identity, its OAuth settings, the scopes and presets, the API's base URL. */
export const SpecEssentials = Schema.Struct({
  connector: Manifest.fields.connector,
  auth: Manifest.fields.auth,
  scopes: Manifest.fields.scopes,
  presets: Manifest.fields.presets,
  defaults: Schema.Struct({ requester: Schema.Struct({ base_url: Manifest.fields.defaults.fields.requester.fields.base_url }) })
})
export type SpecEssentials = typeof SpecEssentials.Type

/** Read what `spec` needs of a manifest file. */
export const readSpecEssentials = readSections(SpecEssentials, ["connector", "auth", "scopes", "presets", "defaults"])
