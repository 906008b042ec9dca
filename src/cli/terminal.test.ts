import { PassThrough } from "node:stream"
import { afterEach, describe, expect, it, vi } from "vitest"
import { stopWhenOutputCloses } from "./terminal.js"

const output = () => new PassThrough() as unknown as NodeJS.WriteStream

describe("stopWhenOutputCloses", () => {
  afterEach(() => vi.restoreAllMocks())

  it("a closed output while the run is on stops it once with SIGINT; nothing is sent after the run has ended", () => {
    const kill = vi.spyOn(process, "kill").mockImplementation(() => true)
    // the runtime's own listener, as while a command runs
    const runtime = () => {}
    process.on("SIGINT", runtime)
    try {
      const before = process.listenerCount("SIGINT")
      const [stdout, stderr] = [output(), output()]
      const runEnded = stopWhenOutputCloses([stdout, stderr])
      expect(process.listenerCount("SIGINT")).toBe(before + 1)
      stdout.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))
      stderr.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))
      expect(kill.mock.calls).toEqual([[process.pid, "SIGINT"]])
      runEnded()
      expect(process.listenerCount("SIGINT")).toBe(before)

      const later = output()
      const laterEnded = stopWhenOutputCloses([later])
      laterEnded()
      later.emit("error", new Error("write EPIPE"))
      expect(kill).toHaveBeenCalledTimes(1)
      expect(process.listenerCount("SIGINT")).toBe(before)
    } finally {
      process.removeListener("SIGINT", runtime)
    }
  })

  it("after a Ctrl-C, a closed output sends no second SIGINT (it would end the process before the run's finalizers)", () => {
    const kill = vi.spyOn(process, "kill").mockImplementation(() => true)
    const runtime = () => {}
    process.on("SIGINT", runtime)
    try {
      const stdout = output()
      const known = process.listeners("SIGINT")
      const runEnded = stopWhenOutputCloses([stdout])
      // Ctrl-C: what a SIGINT does to the listener added (called directly, not to signal the test's process)
      const added = process.listeners("SIGINT").filter((l) => !known.includes(l))
      expect(added).toHaveLength(1)
      added[0]!("SIGINT")
      stdout.emit("error", new Error("write EPIPE"))
      expect(kill).not.toHaveBeenCalled()
      runEnded()
    } finally {
      process.removeListener("SIGINT", runtime)
    }
  })
})
