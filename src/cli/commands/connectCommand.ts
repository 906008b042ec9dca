import { Command, Options } from "@effect/cli"
import { storeFlags } from "../ConnectionFlags.js"
import { lazy } from "../lazy.js"
import { actionsOption, presetsOption } from "../selectionFlags.js"

const portOption = Options.integer("port").pipe(
  Options.withDescription("port of the loopback redirect URI http://127.0.0.1:PORT/justworks/oauth/callback (register it with Justworks)"),
  Options.withDefault(8976)
)
const timeoutOption = Options.integer("timeout").pipe(
  Options.withPseudoName("SECONDS"),
  Options.withDescription("how long to wait for the browser to come back"),
  Options.withDefault(300)
)

export const connectCommand = Command.make(
  "connect",
  { ...storeFlags, presets: presetsOption, actions: actionsOption, port: portOption, timeout: timeoutOption },
  (args) => lazy(() => import("../handlers/connectHandler.js"), (m) => m.connectHandler(args))
).pipe(Command.withDescription("Connect a Justworks company (OAuth in the browser, loopback redirect) and keep its tokens in the token store."))
