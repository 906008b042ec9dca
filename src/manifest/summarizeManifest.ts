/** A human summary of a loaded manifest: streams, actions, scopes, presets, healthchecks. */
import type { LoadedManifest } from "./loadManifest.js"
import { streamsOf } from "./streams.js"

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n")
}

export const summarizeManifest = ({ file, manifest, spec }: LoadedManifest): string => {
  const streams = streamsOf(manifest)
  const syncModes = (s: (typeof streams)[number]) =>
    s.endpoint.incremental !== undefined && s.derivedFrom === undefined ? "full_refresh, incremental" : "full_refresh"
  const section = (title: string, body: string) => `${title}\n${body.replace(/^/gm, "  ")}`
  const excluded = Object.keys(manifest.excluded_operations).length
  return [
    `${manifest.connector.title} connector — ${file} is valid`,
    `  ${spec.operations.length} operations in ${spec.file} (${excluded} excluded), ${Object.keys(manifest.endpoints).length} endpoints`,
    "",
    section(`Streams (${streams.length})`, table([
      ["stream", "endpoint", "scopes", "primary key", "sync modes", "parent"],
      ...streams.map((s) => [
        s.name,
        `${s.method} ${s.endpoint.path}`,
        s.scopes.join(" ") || "(any token)",
        s.primaryKey.join(", "),
        syncModes(s),
        s.derivedFrom ?? s.endpoint.parent?.stream ?? ""
      ])
    ])),
    "",
    section(`Actions (${Object.keys(manifest.actions).length})`, table([
      ["action", "scopes"],
      ...Object.entries(manifest.actions).map(([id, a]) => [id, a.scopes.join(" ") || "(any token)"])
    ])),
    "",
    section(`Scopes (${Object.keys(manifest.scopes).length})`, table([
      ["scope", "includes", "description"],
      ...Object.entries(manifest.scopes).map(([name, s]) => [name, (s.includes ?? []).join(" "), s.description])
    ])),
    "",
    section(`Presets (${Object.keys(manifest.presets).length}, * = on by default)`, table([
      ["preset", "title", "scopes"],
      ...Object.entries(manifest.presets).map(([name, p]) => [`${p.default ? "*" : " "} ${name}`, p.title, p.scopes.join(" ")])
    ])),
    "",
    section(`Healthchecks (${manifest.healthchecks.length})`, table([
      ["check", "stream", "scopes"],
      ...manifest.healthchecks.map((h) => [h.name, h.stream, h.scopes.join(" ")])
    ]))
  ].join("\n")
}
