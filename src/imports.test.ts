/**
 * The shape of the code: no import cycles in the shipped source (between files, and between the top-level
 * folders of src/, which are its layers), and no shipped file importing test support.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"
import { projectFile } from "../test-support/projectManifest.js"

const root = projectFile("src")

const shippedFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return shippedFiles(path)
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : []
  })

/** Each file's relative imports (type-only ones included), resolved to files. */
const importGraph = (files: ReadonlyArray<string>): Map<string, Array<string>> =>
  new Map(files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true)
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => resolve(dirname(file), name.replace(/\.js$/, ".ts")))
    return [file, targets]
  }))

/** The strongly connected components of more than one node (or a node importing itself): the cycles. */
export const cycles = (graph: ReadonlyMap<string, ReadonlyArray<string>>): Array<Array<string>> => {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const found: Array<Array<string>> = []
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: Array<string> = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

const files = shippedFiles(root)
const graph = importGraph(files)
const name = (file: string) => relative(root, file)
/** `model` for src/model/resolve.ts; `.` for the files at the top of src/ */
const folderOf = (file: string) => (name(file).includes("/") ? name(file).split("/")[0]! : ".")

describe("imports", () => {
  it("finds a cycle when there is one (the check itself)", () => {
    expect(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["a", "b", "c"]])
    expect(cycles(new Map([["a", ["a"]]]))).toEqual([["a"]])
    expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([])
  })

  it("no shipped file of src/ is part of an import cycle", () => {
    expect(files.length).toBeGreaterThan(50)
    expect(cycles(graph).map((c) => c.map(name))).toEqual([])
  })

  it("the folders of src/ are layers: no folder imports one that imports it back", () => {
    const folders = new Map<string, Set<string>>()
    for (const [file, targets] of graph) {
      const from = folderOf(file)
      const set = folders.get(from) ?? new Set<string>()
      for (const target of targets) if (target.startsWith(root) && folderOf(target) !== from) set.add(folderOf(target))
      folders.set(from, set)
    }
    const folderGraph = new Map([...folders].map(([folder, targets]) => [folder, [...targets]]))
    expect(folderGraph.get("model")).toContain("records")
    expect(cycles(folderGraph)).toEqual([])
  })

  it("no shipped file imports test support", () => {
    const testSupport = projectFile("test-support")
    const offending = [...graph].filter(([, targets]) => targets.some((t) => t.startsWith(testSupport))).map(([file]) => name(file))
    expect(offending).toEqual([])
  })
})
