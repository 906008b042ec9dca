/**
 * Vitest global setup: one Prism mock for the whole run, stopped (and checked stopped) at the end, also
 * when tests fail.
 */
import type { TestProject } from "vitest/node"
import { startPrism } from "./prism.js"

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string
    prismPid: number
  }
}

export default async function setup(project: TestProject) {
  const prism = await startPrism()
  project.provide("prismUrl", prism.url)
  project.provide("prismPid", prism.pid)
  return async () => {
    await prism.stop()
  }
}
