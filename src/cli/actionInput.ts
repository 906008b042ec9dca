/**
 * An action's input on the command line (`--input JSON` or `--input @file`): a JSON object. Its parameters and
 * request body are checked by the action runner, before any request.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import { InputError } from "../config/InputError.js"
import { parseJsonText } from "../config/readJson.js"
import { isJsonObject } from "../spec/document.js"

export type ActionInputObject = Readonly<Record<string, unknown>>

/** Parse `--input`: inline JSON, or `@path` of a JSON file. */
export const parseActionInput = (value: string): Effect.Effect<ActionInputObject, InputError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fromFile = value.startsWith("@")
    const from = { input: "action input", source: fromFile ? value.slice(1) : "--input" }
    const text = fromFile
      ? yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(from.source)).pipe(
        Effect.mapError(() => new InputError({ reason: "Unreadable", ...from, path: "", detail: "cannot be read" }))
      )
      : value
    const json = yield* parseJsonText(from, text)
    if (!isJsonObject(json)) {
      return yield* new InputError({ reason: "Invalid", ...from, path: "", detail: "must be a JSON object of the action's parameters" })
    }
    return json
  })
