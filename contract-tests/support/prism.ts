/**
 * Start and stop `prism mock schemas/justworks.openapi.yaml` on a free 127.0.0.1 port. The process is
 * always stopped by its PID, and stopping waits until it has exited.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createRequire } from "node:module"
import { freePort } from "./freePort.js"
import { specPath } from "./specValidator.js"

export interface RunningPrism {
  readonly url: string
  readonly pid: number
  readonly output: () => string
  readonly stop: () => Promise<void>
}

const prismBin = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js")

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", () => {
      clearTimeout(force)
      resolve()
    })
    child.kill("SIGTERM")
  })

const startOnce = async (args: ReadonlyArray<string>): Promise<RunningPrism> => {
  const port = await freePort()
  const child = spawn(process.execPath, [prismBin, "mock", "-h", "127.0.0.1", "-p", String(port), ...args, specPath], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (d) => (output += d))
  child.stderr!.on("data", (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    await stopChild(child)
    if (child.pid !== undefined && isAlive(child.pid)) throw new Error(`Prism (pid ${child.pid}) is still running`)
  }
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    if (output.includes("Prism is listening")) {
      return { url, pid: child.pid!, output: () => output, stop }
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  await stop()
  throw new Error(`Prism did not start on ${url}:\n${output.slice(-2000)}`)
}

/** Start Prism, retrying on another port if the chosen one was taken meanwhile. */
export const startPrism = async (args: ReadonlyArray<string> = []): Promise<RunningPrism> => {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(args)
    } catch (e) {
      lastError = e
    }
  }
  throw lastError
}
