/** A human summary of the connector: streams, actions, scopes, presets, healthchecks. */
import { Duration } from "effect"
import type { Connector, StreamModel } from "./Connector.js"

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n")
}

/** How a stream's requests are made, in a few words. */
export const readBy = (stream: StreamModel): string => {
  const p = stream.partitioning
  const how = stream.derivedFrom !== undefined
    ? `out of ${stream.derivedFrom}`
    : p._tag === "Parent"
    ? `per ${p.parent} record`
    : p._tag === "DateWindows"
    ? "in date windows"
    : p._tag === "Report"
    ? `report per ${p.forEach.map((i) => i.stream).join(" × ") || "run"}`
    : "one request"
  return stream.paginator === undefined ? how : `${how}, paged`
}

/** What a stream's incremental reads follow, in a few words. */
export const cursorOf = (stream: StreamModel): string => {
  const c = stream.cursor
  if (c === undefined) return ""
  switch (c._tag) {
    case "Filter":
      return c.field
    case "Window":
      return `${c.field} − ${Duration.format(c.lookback)}`
    case "Parent":
      return c.onlyNew ? "new parent records" : "changed parent records"
    case "Snapshot":
      return "one report a day"
  }
}

export const summarizeConnector = (connector: Connector): string => {
  const { streams, spec } = connector
  const section = (title: string, body: string) => `${title}\n${body.replace(/^/gm, "  ")}`
  const excluded = Object.keys(connector.excludedOperations).length
  const graph = connector.scopeGraph
  return [
    `${connector.title} connector — ${connector.file} is valid`,
    `  ${spec.operations.length} operations in ${spec.file} (${excluded} excluded), ${connector.endpoints.size} endpoints`,
    "",
    section(`Streams (${streams.length})`, table([
      ["stream", "endpoint", "scopes", "primary key", "read", "sync modes", "cursor"],
      ...streams.map((s) => [
        s.name,
        `${s.endpoint.method} ${s.endpoint.path}`,
        s.scopes.join(" ") || "(any token)",
        s.primaryKey.join(", "),
        readBy(s),
        s.syncModes.join(", "),
        cursorOf(s)
      ])
    ])),
    "",
    section(`Actions (${connector.actions.size})`, table([
      ["action", "scopes"],
      ...[...connector.actions.values()].map((a) => [a.id, a.scopes.join(" ") || "(any token)"])
    ])),
    "",
    section(`Scopes (${Object.keys(graph.scopes).length})`, table([
      ["scope", "includes", "description"],
      ...Object.entries(graph.scopes).map(([name, s]) => [name, (s.includes ?? []).join(" "), s.description ?? ""])
    ])),
    "",
    section(`Presets (${Object.keys(graph.presets).length}, * = on by default)`, table([
      ["preset", "title", "scopes"],
      ...Object.entries(graph.presets).map(([name, p]) => [`${p.default ? "*" : " "} ${name}`, p.title ?? "", p.scopes.join(" ")])
    ])),
    "",
    section(`Healthchecks (${connector.healthchecks.length})`, table([
      ["check", "stream", "scopes"],
      ...connector.healthchecks.map((h) => [h.name, h.stream.name, h.scopes.join(" ")])
    ]))
  ].join("\n")
}
