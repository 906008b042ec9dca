/**
 * The scope algebra: which scopes a set of presets and/or actions needs (minimal), and everything a set of
 * scopes grants (closure). Results are always in the order the manifest declares the scopes.
 */
import { Data, Either } from "effect"
import type { Manifest } from "../manifest/Manifest.js"

/**
 * The scopes, their implications, the presets and what each action needs: everything a scope question is
 * answered from. `scopeGraph` makes it out of the manifest's sections.
 */
export interface ScopeGraph {
  readonly scopes: Readonly<Record<string, { readonly includes?: ReadonlyArray<string> | undefined; readonly description?: string }>>
  readonly presets: Readonly<Record<string, { readonly scopes: ReadonlyArray<string>; readonly default: boolean; readonly title?: string }>>
  /** every scope each action needs: its endpoint's and its own extras */
  readonly actions: Readonly<Record<string, ReadonlyArray<string>>>
}

/** The scope graph of a manifest's sections (an action of an unknown endpoint needs its extras only). */
export const scopeGraph = (manifest: Pick<Manifest, "scopes" | "presets" | "endpoints" | "actions">): ScopeGraph => ({
  scopes: manifest.scopes,
  presets: manifest.presets,
  actions: Object.fromEntries(Object.entries(manifest.actions).map(([id, action]) => {
    const endpoint = manifest.endpoints[action?.endpoint ?? id]
    return [id, [...new Set([...(endpoint?.scopes ?? []), ...(action?.scopes ?? [])])]]
  }))
})

/** Scopes declared in the manifest, in declaration order. */
export const declaredScopes = (graph: Pick<ScopeGraph, "scopes">): ReadonlyArray<string> => Object.keys(graph.scopes)

const inDeclarationOrder = (graph: Pick<ScopeGraph, "scopes">, set: ReadonlySet<string>): Array<string> =>
  declaredScopes(graph).filter((s) => set.has(s))

/** Everything the given scopes grant, themselves included. */
export const closure = (graph: Pick<ScopeGraph, "scopes">, scopes: Iterable<string>): Array<string> => {
  const granted = new Set<string>()
  const visit = (scope: string) => {
    if (granted.has(scope)) return
    granted.add(scope)
    for (const implied of graph.scopes[scope]?.includes ?? []) visit(implied)
  }
  for (const scope of scopes) visit(scope)
  return inDeclarationOrder(graph, granted)
}

/** The smallest set of scopes granting the same as `scopes`: a scope implied by another one is dropped. */
export const minimal = (graph: Pick<ScopeGraph, "scopes">, scopes: Iterable<string>): Array<string> => {
  const all = closure(graph, scopes)
  const impliedByOther = new Set<string>()
  for (const scope of all) {
    for (const implied of closure(graph, graph.scopes[scope]?.includes ?? [])) {
      if (implied !== scope) impliedByOther.add(implied)
    }
  }
  return all.filter((s) => !impliedByOther.has(s))
}

/** Whether the scopes `granted` (closed under implication) include every scope of `needed`. */
export const covers = (graph: Pick<ScopeGraph, "scopes">, granted: Iterable<string>, needed: Iterable<string>): boolean => {
  const all = new Set(closure(graph, granted))
  for (const scope of needed) if (!all.has(scope)) return false
  return true
}

/** A preset or action name that the manifest does not declare. */
export class UnknownSelection extends Data.TaggedError("UnknownSelection")<{
  readonly kind: "preset" | "action" | "scope"
  readonly name: string
  readonly valid: ReadonlyArray<string>
}> {
  override get message() {
    return `unknown ${this.kind} "${this.name}"; valid ${this.kind}s: ${this.valid.join(", ")}`
  }
}

export interface Selection {
  readonly presets?: ReadonlyArray<string> | undefined
  readonly actions?: ReadonlyArray<string> | undefined
}

/** The presets marked `default: true`, in declaration order. */
export const defaultPresets = (graph: Pick<ScopeGraph, "presets">): Array<string> =>
  Object.entries(graph.presets).filter(([, p]) => p.default).map(([name]) => name)

/**
 * The scopes a selection of presets and actions asks for (not yet minimised). With neither presets nor
 * actions, the default presets are selected.
 */
export const selectedScopes = (
  graph: ScopeGraph,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> => {
  const noChoice = (selection.presets?.length ?? 0) === 0 && (selection.actions?.length ?? 0) === 0
  const presets = noChoice ? defaultPresets(graph) : selection.presets ?? []
  const wanted = new Set<string>()
  for (const name of presets) {
    const preset = graph.presets[name]
    if (preset === undefined) {
      return Either.left(new UnknownSelection({ kind: "preset", name, valid: Object.keys(graph.presets) }))
    }
    preset.scopes.forEach((s) => wanted.add(s))
  }
  for (const id of selection.actions ?? []) {
    const scopes = graph.actions[id]
    if (scopes === undefined) {
      return Either.left(new UnknownSelection({ kind: "action", name: id, valid: Object.keys(graph.actions) }))
    }
    scopes.forEach((s) => wanted.add(s))
  }
  return Either.right(inDeclarationOrder(graph, wanted))
}

/** The minimal scope list for a selection: what to request at authorization. */
export const minimalScopesFor = (
  graph: ScopeGraph,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> =>
  Either.map(selectedScopes(graph, selection), (s) => minimal(graph, s))

/** Everything a selection grants once authorized. */
export const scopeClosureFor = (
  graph: ScopeGraph,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> =>
  Either.map(selectedScopes(graph, selection), (s) => closure(graph, s))

/** The presets that grant a scope (directly or by implication), for "which preset do I need" messages. */
export const presetsGranting = (graph: Pick<ScopeGraph, "scopes" | "presets">, scope: string): Array<string> =>
  Object.entries(graph.presets)
    .filter(([, p]) => closure(graph, p.scopes).includes(scope))
    .map(([name]) => name)
