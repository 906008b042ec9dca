/**
 * Where Airbyte messages go: stdout, one JSON object per line and nothing else. Effect's logs become LOG
 * messages (`AirbyteOutput.logger`), so nothing but protocol messages reaches stdout. The text of every message
 * but records and state passes through the redaction of printed text.
 */
import { Context, Effect, Layer, Logger, type LogLevel } from "effect"
import type { AirbyteMessage, LogLevel as AirbyteLogLevel } from "./AirbyteMessage.js"
import { log } from "./AirbyteMessage.js"
import { writeTo } from "../terminal.js"
import { logText } from "../stderrLogger.js"
import { redactText } from "../../redaction/redact.js"
import { recordTexts } from "../../json/recordText.js"
import type { ApiRecord } from "../../runtime/StreamReader.js"

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

/**
 * A message as it may be printed: the text of LOG, TRACE and CONNECTION_STATUS messages redacted (records and
 * state are the data being read, passed on as they are).
 */
export const redacted = (message: AirbyteMessage): AirbyteMessage => {
  switch (message.type) {
    case "LOG":
      return { ...message, log: { ...message.log, message: redactText(message.log.message) } }
    case "CONNECTION_STATUS":
      return { ...message, connectionStatus: { ...message.connectionStatus, message: redactText(message.connectionStatus.message) } }
    case "TRACE": {
      if (message.trace.type !== "ERROR") return message
      const { error } = message.trace
      return {
        ...message,
        trace: {
          ...message.trace,
          error: {
            ...error,
            message: redactText(error.message),
            ...(error.internal_message === undefined ? {} : { internal_message: redactText(error.internal_message) })
          }
        }
      }
    }
    default:
      return message
  }
}

const line = (message: AirbyteMessage) => `${JSON.stringify(message.type === "RECORD" ? message : redacted(message))}\n`

/**
 * RECORD lines of one stream, all emitted at `emittedAt`, as text: each record's JSON as the API sent it where
 * the read kept it (`recordTexts`: the page's records passed through unchanged), else serialized; the line's frame built
 * once. The same text `JSON.stringify` gives for the RECORD message, but for the record's own spelling: numbers
 * as the API wrote them (including ones a double cannot hold exactly) and, should the API repeat a key, both
 * copies, where a serialized record would hold the last.
 */
export const recordLines = (stream: string, records: ReadonlyArray<ApiRecord>, emittedAt: number): string => {
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`
  const tail = `,"emitted_at":${emittedAt}}}\n`
  const texts = recordTexts(records)
  let text = ""
  for (let i = 0; i < records.length; i++) text += head + (texts === undefined ? JSON.stringify(records[i]) : texts(i)) + tail
  return text
}

export class AirbyteOutput extends Context.Tag("justworks-connector/cli/AirbyteOutput")<AirbyteOutput, {
  readonly emit: (messages: ReadonlyArray<AirbyteMessage>) => Effect.Effect<void>
  /** messages, then RECORD lines of one stream (`recordLines`), in one write */
  readonly emitRecords: (messages: ReadonlyArray<AirbyteMessage>, stream: string, records: ReadonlyArray<ApiRecord>, emittedAt: number) => Effect.Effect<void>
}>() {
  /** JSON lines on stdout */
  static readonly layerStdout: Layer.Layer<AirbyteOutput> = Layer.succeed(
    AirbyteOutput,
    AirbyteOutput.of({
      emit: (messages) =>
        messages.length === 0 ? Effect.void : writeTo(process.stdout, messages.map(line).join("")),
      emitRecords: (messages, stream, records, emittedAt) =>
        writeTo(process.stdout, messages.map(line).join("") + recordLines(stream, records, emittedAt))
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

