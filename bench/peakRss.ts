import { readFileSync } from "node:fs"

/** Peak RSS (VmHWM, KiB) of a running process, polled from /proc until it exits (0 where /proc is missing). */
export const watchPeakRss = (pid: number, everyMs = 10) => {
  let peak = 0
  const poll = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
      if (hwm !== null) peak = Math.max(peak, Number(hwm[1]))
    } catch {
      // exited, or no /proc here
    }
  }
  const timer = setInterval(poll, everyMs)
  return { stop: () => (clearInterval(timer), poll(), peak) }
}
