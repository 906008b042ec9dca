/**
 * The scope algebra: which scopes a set of presets and/or actions needs (minimal), and everything a set of
 * scopes grants (closure). Results are always in the order the manifest declares the scopes.
 */
import { Data, Either } from "effect"
import type { Manifest } from "../manifest/Manifest.js"

type ScopeGraph = Pick<Manifest, "scopes">

/** Scopes declared in the manifest, in declaration order. */
export const declaredScopes = (manifest: ScopeGraph): ReadonlyArray<string> => Object.keys(manifest.scopes)

const inDeclarationOrder = (manifest: ScopeGraph, set: ReadonlySet<string>): Array<string> =>
  declaredScopes(manifest).filter((s) => set.has(s))

/** Everything the given scopes grant, themselves included. */
export const closure = (manifest: ScopeGraph, scopes: Iterable<string>): Array<string> => {
  const granted = new Set<string>()
  const visit = (scope: string) => {
    if (granted.has(scope)) return
    granted.add(scope)
    for (const implied of manifest.scopes[scope]?.includes ?? []) visit(implied)
  }
  for (const scope of scopes) visit(scope)
  return inDeclarationOrder(manifest, granted)
}

/** The smallest set of scopes granting the same as `scopes`: a scope implied by another one is dropped. */
export const minimal = (manifest: ScopeGraph, scopes: Iterable<string>): Array<string> => {
  const all = closure(manifest, scopes)
  const impliedByOther = new Set<string>()
  for (const scope of all) {
    for (const implied of closure(manifest, manifest.scopes[scope]?.includes ?? [])) {
      if (implied !== scope) impliedByOther.add(implied)
    }
  }
  return all.filter((s) => !impliedByOther.has(s))
}

/** Whether the scopes `granted` (closed under implication) include every scope of `needed`. */
export const covers = (manifest: ScopeGraph, granted: Iterable<string>, needed: Iterable<string>): boolean => {
  const all = new Set(closure(manifest, granted))
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
export const defaultPresets = (manifest: Pick<Manifest, "presets">): Array<string> =>
  Object.entries(manifest.presets).filter(([, p]) => p.default).map(([name]) => name)

/**
 * The scopes a selection of presets and actions asks for (not yet minimised). With neither presets nor
 * actions, the default presets are selected.
 */
export const selectedScopes = (
  manifest: Pick<Manifest, "scopes" | "presets" | "actions">,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> => {
  const noChoice = (selection.presets?.length ?? 0) === 0 && (selection.actions?.length ?? 0) === 0
  const presets = noChoice ? defaultPresets(manifest) : selection.presets ?? []
  const wanted = new Set<string>()
  for (const name of presets) {
    const preset = manifest.presets[name]
    if (preset === undefined) {
      return Either.left(new UnknownSelection({ kind: "preset", name, valid: Object.keys(manifest.presets) }))
    }
    preset.scopes.forEach((s) => wanted.add(s))
  }
  for (const id of selection.actions ?? []) {
    const action = manifest.actions[id]
    if (action === undefined) {
      return Either.left(new UnknownSelection({ kind: "action", name: id, valid: Object.keys(manifest.actions) }))
    }
    action.scopes.forEach((s) => wanted.add(s))
  }
  return Either.right(inDeclarationOrder(manifest, wanted))
}

/** The minimal scope list for a selection: what to request at authorization. */
export const minimalScopesFor = (
  manifest: Pick<Manifest, "scopes" | "presets" | "actions">,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> =>
  Either.map(selectedScopes(manifest, selection), (s) => minimal(manifest, s))

/** Everything a selection grants once authorized. */
export const scopeClosureFor = (
  manifest: Pick<Manifest, "scopes" | "presets" | "actions">,
  selection: Selection
): Either.Either<Array<string>, UnknownSelection> =>
  Either.map(selectedScopes(manifest, selection), (s) => closure(manifest, s))

/** The presets that grant a scope (directly or by implication), for "which preset do I need" messages. */
export const presetsGranting = (manifest: Pick<Manifest, "scopes" | "presets">, scope: string): Array<string> =>
  Object.entries(manifest.presets)
    .filter(([, p]) => closure(manifest, p.scopes).includes(scope))
    .map(([name]) => name)
