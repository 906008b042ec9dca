/** Terminal output helpers: colours only on a TTY (and never with NO_COLOR), writes that respect backpressure. */
import { Effect } from "effect"

type Paint = (text: string) => string

export interface Colors {
  readonly green: Paint
  readonly red: Paint
  readonly yellow: Paint
  readonly dim: Paint
  readonly bold: Paint
}

const plain: Paint = (t) => t
const sgr = (code: string): Paint => (t) => `\x1b[${code}m${t}\x1b[0m`

export const isTty = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true && process.env["NO_COLOR"] === undefined

export const colors = (stream: NodeJS.WriteStream): Colors =>
  isTty(stream)
    ? { green: sgr("32"), red: sgr("31"), yellow: sgr("33"), dim: sgr("2"), bold: sgr("1") }
    : { green: plain, red: plain, yellow: plain, dim: plain, bold: plain }

/**
 * Write text to a stream, waiting for it to drain when its buffer is full. A stream that has failed or closed
 * (its reader gone) takes nothing more, and waits for nothing. The wait holds nothing of the text: a page of
 * RECORD lines is a large string, and one still reachable while the process waits for a slow reader is moved to
 * the old generation by the first young collection (the heap then grows with the read).
 */
export const writeTo = (stream: NodeJS.WriteStream, text: string): Effect.Effect<void> =>
  Effect.suspend(() => (stream.destroyed || stream.errored !== null || stream.write(text) ? Effect.void : drained(stream)))

const drained = (stream: NodeJS.WriteStream): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (stream.destroyed || stream.errored !== null || !stream.writableNeedDrain) return resume(Effect.void)
    const done = () => {
      stream.off("drain", done)
      stream.off("close", done)
      stream.off("error", done)
      resume(Effect.void)
    }
    stream.on("drain", done)
    stream.on("close", done)
    stream.on("error", done)
  })

/**
 * When the reader of the output goes away (`read | head -1`, a closed terminal), stop as Ctrl-C does: the run
 * is interrupted, its finalizers run (a sync keeps what it wrote) and the exit is 130. Without a listener the
 * pipe's error would end the process with a stack trace. Writes after that fail quietly. Call what it returns
 * when the run has ended.
 */
export const stopWhenOutputCloses = (streams: ReadonlyArray<NodeJS.WriteStream> = [process.stdout, process.stderr]): (() => void) => {
  let stopping = false
  // once a Ctrl-C is stopping the run, a closed output asks nothing more: the runtime listens for the first
  // SIGINT only, and a second one would end the process before the run's finalizers
  const stopped = () => {
    stopping = true
  }
  process.once("SIGINT", stopped)
  for (const stream of streams) {
    stream.on("error", () => {
      if (stopping) return
      stopping = true
      // only while the run's runtime listens (besides this): once the run has ended there is nothing to stop
      if (process.listeners("SIGINT").some((listener) => listener !== stopped)) process.kill(process.pid, "SIGINT")
    })
  }
  // once the run has ended: a Ctrl-C while the process winds down ends it at once, as without this
  return () => {
    stopping = true
    process.removeListener("SIGINT", stopped)
  }
}
