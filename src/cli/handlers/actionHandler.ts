/**
 * `action`: run one action and print its JSON result. The input is checked before any request; sensitive
 * fields (the manifest's `sensitive_fields`, taxpayer numbers) are masked unless --reveal is given.
 */
import { Console, Effect, Option } from "effect"
import { Justworks } from "../../Justworks.js"
import type { ActionId } from "../../generated/manifestNames.js"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import { maskSensitive, sensitiveFieldNames } from "../../redaction/maskSensitive.js"
import { parseActionInput } from "../actionInput.js"
import { UsageError } from "../UsageError.js"
import { batchActionHandler, type BatchActionArgs } from "./batchActionHandler.js"

export const actionHandler = (args: BatchActionArgs & { readonly reveal: boolean }) =>
  Effect.gen(function*() {
    const connector = yield* ConnectorModel
    const valid = [...connector.actions.keys()]
    if (!valid.includes(args.id)) {
      return yield* new UsageError({ reason: "UnknownName", message: `unknown action "${args.id}"; valid actions: ${valid.join(", ")}` })
    }
    if (connector.actions.get(args.id)?.batch !== undefined) return yield* batchActionHandler(args)
    const batchFlags = [args.dryRun && "--dry-run", args.partial && "--partial", args.resume && "--resume", Option.isSome(args.journal) && "--journal"].filter(Boolean)
    if (batchFlags.length > 0) {
      const batchActions = valid.filter((id) => connector.actions.get(id)?.batch !== undefined)
      return yield* new UsageError({ reason: "InvalidOption", message: `${batchFlags.join(", ")}: only for batch actions (${batchActions.join(", ")})` })
    }
    const input = Option.isSome(args.input) ? yield* parseActionInput(args.input.value) : {}
    const justworks = yield* Justworks
    const result = yield* justworks.action(args.id as ActionId, input)
    const shown = args.reveal ? result ?? null : maskSensitive(result ?? null, sensitiveFieldNames(connector.sensitiveFields))
    yield* Console.log(JSON.stringify(shown, null, 2))
  })
