/**
 * The Airbyte protocol (v0) messages the connector writes, one JSON object per line on stdout. The shapes
 * follow `airbyte_protocol.yaml`'s AirbyteMessage; tests validate every line against it.
 */
import type { ApiRecord, StreamState } from "../../runtime/StreamReader.js"

export type FailureType = "system_error" | "config_error" | "transient_error"
export type StreamStatus = "STARTED" | "RUNNING" | "COMPLETE" | "INCOMPLETE"
export type LogLevel = "FATAL" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE"

export interface StreamDescriptor {
  readonly name: string
}

export interface AirbyteStream {
  readonly name: string
  readonly json_schema: Readonly<Record<string, unknown>>
  readonly supported_sync_modes: ReadonlyArray<"full_refresh" | "incremental">
  readonly source_defined_cursor?: boolean
  readonly default_cursor_field?: ReadonlyArray<string>
  readonly source_defined_primary_key?: ReadonlyArray<ReadonlyArray<string>>
  readonly is_resumable?: boolean
}

export type AirbyteMessage =
  | { readonly type: "RECORD"; readonly record: { readonly stream: string; readonly data: ApiRecord; readonly emitted_at: number } }
  | {
    readonly type: "STATE"
    readonly state: {
      readonly type: "STREAM"
      readonly stream: { readonly stream_descriptor: StreamDescriptor; readonly stream_state: StreamState }
      readonly sourceStats: { readonly recordCount: number }
    }
  }
  | { readonly type: "LOG"; readonly log: { readonly level: LogLevel; readonly message: string } }
  | {
    readonly type: "TRACE"
    readonly trace:
      | {
        readonly type: "ERROR"
        readonly emitted_at: number
        readonly error: {
          readonly message: string
          readonly internal_message?: string
          readonly failure_type: FailureType
          readonly stream_descriptor?: StreamDescriptor
        }
      }
      | {
        readonly type: "STREAM_STATUS"
        readonly emitted_at: number
        readonly stream_status: { readonly stream_descriptor: StreamDescriptor; readonly status: StreamStatus }
      }
  }
  | { readonly type: "SPEC"; readonly spec: Readonly<Record<string, unknown>> }
  | { readonly type: "CONNECTION_STATUS"; readonly connectionStatus: { readonly status: "SUCCEEDED" | "FAILED"; readonly message: string } }
  | { readonly type: "CATALOG"; readonly catalog: { readonly streams: ReadonlyArray<AirbyteStream> } }
  | {
    readonly type: "CONTROL"
    readonly control: {
      readonly type: "CONNECTOR_CONFIG"
      readonly emitted_at: number
      readonly connectorConfig: { readonly config: Readonly<Record<string, unknown>> }
    }
  }

export const streamState = (stream: string, state: StreamState, recordCount: number): AirbyteMessage => ({
  type: "STATE",
  state: {
    type: "STREAM",
    stream: { stream_descriptor: { name: stream }, stream_state: state },
    sourceStats: { recordCount }
  }
})

export const log = (level: LogLevel, message: string): AirbyteMessage => ({ type: "LOG", log: { level, message } })

export const errorTrace = (
  emittedAt: number,
  error: { readonly message: string; readonly failureType: FailureType; readonly stream?: string | undefined; readonly internal?: string | undefined }
): AirbyteMessage => ({
  type: "TRACE",
  trace: {
    type: "ERROR",
    emitted_at: emittedAt,
    error: {
      message: error.message,
      failure_type: error.failureType,
      ...(error.internal === undefined ? {} : { internal_message: error.internal }),
      ...(error.stream === undefined ? {} : { stream_descriptor: { name: error.stream } })
    }
  }
})

export const streamStatus = (emittedAt: number, stream: string, status: StreamStatus): AirbyteMessage => ({
  type: "TRACE",
  trace: { type: "STREAM_STATUS", emitted_at: emittedAt, stream_status: { stream_descriptor: { name: stream }, status } }
})

export const connectionStatus = (status: "SUCCEEDED" | "FAILED", message: string): AirbyteMessage => ({
  type: "CONNECTION_STATUS",
  connectionStatus: { status, message }
})

/** The whole config, updated (new tokens after a refresh), for the platform to store in place of the one it gave. */
export const connectorConfig = (emittedAt: number, config: Readonly<Record<string, unknown>>): AirbyteMessage => ({
  type: "CONTROL",
  control: { type: "CONNECTOR_CONFIG", emitted_at: emittedAt, connectorConfig: { config } }
})
