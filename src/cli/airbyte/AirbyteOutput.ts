/**
 * Where Airbyte messages go: stdout, one JSON object per line and nothing else. Effect's logs become LOG
 * messages (`AirbyteOutput.logger`), so nothing but protocol messages reaches stdout.
 */
import { Context, Effect, Layer, Logger, type LogLevel } from "effect"
import type { AirbyteMessage, LogLevel as AirbyteLogLevel } from "./AirbyteMessage.js"
import { log } from "./AirbyteMessage.js"
import { writeTo } from "../terminal.js"
import { logText } from "../stderrLogger.js"

const levelOf = (level: LogLevel.LogLevel): AirbyteLogLevel => {
  switch (level._tag) {
    case "Fatal":
      return "FATAL"
    case "Error":
      return "ERROR"
    case "Warning":
      return "WARN"
    case "Debug":
      return "DEBUG"
    case "Trace":
      return "TRACE"
    default:
      return "INFO"
  }
}

export class AirbyteOutput extends Context.Tag("justworks-connector/cli/AirbyteOutput")<AirbyteOutput, {
  readonly emit: (messages: ReadonlyArray<AirbyteMessage>) => Effect.Effect<void>
}>() {
  /** JSON lines on stdout */
  static readonly layerStdout: Layer.Layer<AirbyteOutput> = Layer.succeed(
    AirbyteOutput,
    AirbyteOutput.of({
      emit: (messages) =>
        messages.length === 0 ? Effect.void : writeTo(process.stdout, messages.map((m) => `${JSON.stringify(m)}\n`).join(""))
    })
  )

  /** Effect's logger replaced by one writing LOG messages to stdout */
  static readonly logger: Layer.Layer<never> = Logger.replace(
    Logger.defaultLogger,
    Logger.make((options) => {
      process.stdout.write(`${JSON.stringify(log(levelOf(options.logLevel), logText(options)))}\n`)
    })
  )
}

