/** The TypeScript source of `src/generated/manifestNames.ts`: stream and action names of connector.yaml as types. */
import type { Connector } from "./Connector.js"

export const manifestNamesFile = "src/generated/manifestNames.ts"

export const manifestNamesSource = (connector: Connector): string => {
  const union = (names: ReadonlyArray<string>) => names.map((n) => `  | "${n}"`).join("\n")
  const streams = connector.streams.map((s) => s.name)
  const actions = [...connector.actions.keys()]
  return [
    "// Generated from connector.yaml by `npm run gen:schema`; a test fails when it is stale.",
    "",
    "/** A stream of connector.yaml. */",
    `export type StreamName =\n${union(streams)}`,
    "",
    "/** An action of connector.yaml. */",
    `export type ActionId =\n${union(actions)}`,
    "",
    `export const streamNames: ReadonlyArray<StreamName> = ${JSON.stringify(streams)}`,
    "",
    `export const actionIds: ReadonlyArray<ActionId> = ${JSON.stringify(actions)}`,
    ""
  ].join("\n")
}
