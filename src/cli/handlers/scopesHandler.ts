/** `scopes`: the scope list a selection of presets and actions asks for (or, with --closure, grants). */
import { Console, Effect } from "effect"
import { findManifestFile } from "../../model/manifestFile.js"
import { readManifestEssentials } from "../../config/ManifestEssentials.js"
import { minimalScopesFor, scopeClosureFor } from "../../scopes/ScopeAlgebra.js"

export const delimiters = { space: " ", comma: ",", semicolon: ";", pipe: "|", newline: "\n" } as const

export const scopesHandler = (args: {
  readonly presets: ReadonlyArray<string>
  readonly actions: ReadonlyArray<string>
  readonly delimiter: keyof typeof delimiters
  readonly closure: boolean
}) =>
  Effect.gen(function*() {
    const manifest = yield* readManifestEssentials(findManifestFile())
    const selection = { presets: args.presets, actions: args.actions }
    const scopes = yield* (args.closure ? scopeClosureFor : minimalScopesFor)(manifest, selection)
    yield* Console.log(scopes.join(delimiters[args.delimiter]))
  })
