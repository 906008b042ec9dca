/**
 * `disconnect`: revoke a connection's tokens and remove it from the token store; with a config file holding
 * its own tokens, revoke those.
 */
import { Console, Effect } from "effect"
import { disconnect } from "../../auth/connection.js"
import { ConnectionInfo } from "../ConnectionInfo.js"
import { storeName } from "../../auth/store/tokenStoreAt.js"

export const disconnectHandler = Effect.gen(function*() {
  const info = yield* ConnectionInfo
  const removed = yield* disconnect(info.connectionId)
  yield* Console.log(
    info.tokenStore === undefined
      ? `Disconnected: ${info.description} are revoked; they no longer work (remove them from the file).`
      : removed
      ? `Disconnected "${info.connectionId}": tokens revoked and removed from ${storeName(info.tokenStore)}.`
      : `No connection "${info.connectionId}" in ${storeName(info.tokenStore)}: nothing to do.`
  )
})
