/**
 * What is wrong with a manifest, before it is located in its file: the reason, the document path it concerns and
 * what was expected. The loader turns paths into lines and columns.
 */
import type { ManifestErrorReason } from "../manifest/ManifestError.js"

export type Path = ReadonlyArray<string | number>

export interface PathProblem {
  readonly reason: ManifestErrorReason
  readonly path: Path
  /** point at the key of the last path segment rather than its value */
  readonly atKey?: boolean
  readonly message: string
}

/** `endpoints.list_members.scopes[0]` */
export const formatPath = (path: Path): string =>
  path.reduce<string>(
    (acc, seg) =>
      typeof seg === "number"
        ? `${acc}[${seg}]`
        : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)
        ? acc === "" ? seg : `${acc}.${seg}`
        : `${acc}[${JSON.stringify(seg)}]`,
    ""
  )

/** A cycle in a directed graph, as the list of nodes walked (first node repeated at the end). */
export const findCycle = (nodes: ReadonlyArray<string>, edges: (n: string) => ReadonlyArray<string>): Array<string> | undefined => {
  const state = new Map<string, "visiting" | "done">()
  const stack: Array<string> = []
  const visit = (node: string): Array<string> | undefined => {
    if (state.get(node) === "done") return undefined
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, "visiting")
    stack.push(node)
    for (const next of edges(node)) {
      const found = visit(next)
      if (found !== undefined) return found
    }
    stack.pop()
    state.set(node, "done")
    return undefined
  }
  for (const node of nodes) {
    const found = visit(node)
    if (found !== undefined) return found
  }
  return undefined
}

/** `"a", "b", "c"` */
export const quotedList = (names: Iterable<string>): string => [...names].map((n) => `"${n}"`).join(", ")
