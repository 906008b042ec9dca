/**
 * The packaged manifest and OpenAPI description, already parsed: `npm run build` writes
 * `dist/parsed-documents.json`, each document's value as JSON under the SHA-256 of its text. Parsing the YAML
 * takes a command line ~150 ms on every start; looking a text up here takes ~2 ms. A text that is not in the
 * snapshot (an edited or another manifest) is parsed as YAML, as is everything whose check fails: the YAML
 * document is what error messages take their line numbers from.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { isDeepStrictEqual } from "node:util"
import * as YAML from "yaml"
import { findUp } from "./findUp.js"

export const snapshotFileName = "parsed-documents.json"

interface Snapshot {
  /** SHA-256 (base64url) of a document's text → its value as JSON */
  readonly documents: Readonly<Record<string, string>>
}

const keyOf = (text: string): string => createHash("sha256").update(text).digest("base64url")

/** Where the snapshot lies: beside the command line's bundle, above the library's, or in `dist/` seen from the sources. */
const snapshotFile = (): string | undefined =>
  findUp([snapshotFileName, join("dist", snapshotFileName)], dirname(fileURLToPath(import.meta.url)))

let loaded: Snapshot | undefined

const snapshot = (): Snapshot => {
  if (loaded !== undefined) return loaded
  loaded = { documents: {} }
  try {
    const file = snapshotFile()
    if (file === undefined) return loaded
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Snapshot>
    if (typeof parsed.documents === "object" && parsed.documents !== null) loaded = { documents: parsed.documents }
  } catch {
    // not built (or unreadable): every document is parsed
  }
  return loaded
}

/** The parsed value of `text` if the snapshot holds it (a fresh copy each time), else `undefined`. */
export const snapshotValue = (text: string): unknown => {
  const json = snapshot().documents[keyOf(text)]
  return json === undefined ? undefined : JSON.parse(json)
}

/** A YAML (or JSON) document's value, as the loaders parse it; `undefined` when it has errors. */
export const parseYamlValue = (text: string): unknown => {
  const doc = YAML.parseDocument(text, { uniqueKeys: true })
  return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: -1 })
}

/**
 * The snapshot of some document texts. A document is left out when it does not parse, or when its value is
 * not plain JSON (e.g. `.inf`), so that a lookup always gives what parsing the text would.
 */
export const makeSnapshot = (texts: ReadonlyArray<string>): Snapshot => {
  const documents: Record<string, string> = {}
  for (const text of texts) {
    const value = parseYamlValue(text)
    if (value === undefined) continue
    const json = JSON.stringify(value)
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue
    documents[keyOf(text)] = json
  }
  return { documents }
}

/** Forget the loaded snapshot (tests). */
export const resetSnapshot = (replacement?: Snapshot): void => {
  loaded = replacement
}
