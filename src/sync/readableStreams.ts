/**
 * Which streams a connection can read: a stream needs its endpoint's scopes, and everything the streams it
 * is built from need (a child stream reads its parent; a report stream reads its `for_each` streams and
 * calls the report's create endpoint).
 */
import type { Manifest } from "../manifest/Manifest.js"
import { streamsOf, type StreamDefinition } from "../manifest/streams.js"
import { closure } from "../scopes/ScopeAlgebra.js"

/** Every scope reading `stream` takes, in declaration order. */
export const requiredScopes = (manifest: Manifest, stream: string): Array<string> => {
  const byName = new Map(streamsOf(manifest).map((s) => [s.name, s]))
  const needed = new Set<string>()
  const visit = (name: string, seen: ReadonlySet<string>) => {
    const def = byName.get(name)
    if (def === undefined || seen.has(name)) return
    const next = new Set(seen).add(name)
    def.scopes.forEach((s) => needed.add(s))
    const { parent, report } = def.endpoint
    if (parent !== undefined) visit(parent.stream, next)
    if (report !== undefined) {
      manifest.endpoints[report.create]?.scopes.forEach((s) => needed.add(s))
      report.for_each.forEach((s) => visit(s, next))
    }
  }
  visit(stream, new Set())
  return Object.keys(manifest.scopes).filter((s) => needed.has(s))
}

/** The streams `granted` (closed under implication here) allow, in manifest order. */
export const readableStreams = (manifest: Manifest, granted: Iterable<string>): Array<StreamDefinition> => {
  const all = new Set(closure(manifest, granted))
  return streamsOf(manifest).filter((s) => requiredScopes(manifest, s.name).every((scope) => all.has(scope)))
}
