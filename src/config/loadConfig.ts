/** Read and decode a config file (`--config FILE`); its secrets are hidden from everything printed from then on. */
import type { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import { registerSecret, registerUrlSecrets } from "../redaction/redact.js"
import { ConnectorConfig } from "./ConnectorConfig.js"
import type { InputError } from "./InputError.js"
import { readJsonFileAs } from "./readJson.js"

export const loadConfig = (file: string): Effect.Effect<ConnectorConfig, InputError, FileSystem.FileSystem> =>
  readJsonFileAs(ConnectorConfig, { input: "config", source: file }).pipe(
    Effect.tap((config) =>
      Effect.sync(() => {
        registerSecret(config.client_secret)
        registerSecret(config.access_token)
        registerSecret(config.refresh_token)
        registerUrlSecrets(config.base_url)
        registerUrlSecrets(config.authorize_url)
      })
    )
  )
