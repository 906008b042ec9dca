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

/** Write text to a stream, waiting for it to drain when its buffer is full. */
export const writeTo = (stream: NodeJS.WritableStream, text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (stream.write(text)) resume(Effect.void)
    else stream.once("drain", () => resume(Effect.void))
  })
