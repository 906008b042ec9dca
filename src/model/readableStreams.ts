/**
 * Which streams a connection can read: a stream needs every scope reading it takes (its endpoint's, its
 * parent's, a report's create call and inputs'), as the model resolved them.
 */
import { closure } from "../scopes/ScopeAlgebra.js"
import type { Connector, StreamModel } from "./Connector.js"

/** The streams `granted` (closed under implication here) allow, in manifest order. */
export const readableStreams = (connector: Connector, granted: Iterable<string>): Array<StreamModel> => {
  const all = new Set(closure(connector.scopeGraph, granted))
  return connector.streams.filter((s) => s.requiredScopes.every((scope) => all.has(scope)))
}
