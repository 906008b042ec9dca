import { Command } from "@effect/cli"
import { storeFlags } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"

export const disconnectCommand = Command.make(
  "disconnect",
  storeFlags,
  () => lazy(() => import("../handlers/disconnectHandler.js"), (m) => m.disconnectHandler)
).pipe(Command.withDescription("Revoke a connection's tokens and remove it from the token store."))
