/** Read and decode a config file (`--config FILE`). */
import type { FileSystem } from "@effect/platform"
import type { Effect } from "effect"
import { ConnectorConfig } from "./ConnectorConfig.js"
import type { InputError } from "./InputError.js"
import { readJsonFileAs } from "./readJson.js"

export const loadConfig = (file: string): Effect.Effect<ConnectorConfig, InputError, FileSystem.FileSystem> =>
  readJsonFileAs(ConnectorConfig, { input: "config", source: file })
