/** `disconnect`: revoke a connection's tokens and remove it from the token store. */
import { Console, Effect } from "effect"
import { disconnect } from "../../auth/connection.js"
import { ConnectionInfo } from "../ConnectionInfo.js"

export const disconnectHandler = Effect.gen(function*() {
  const info = yield* ConnectionInfo
  const removed = yield* disconnect(info.connectionId)
  yield* Console.log(
    removed
      ? `Disconnected "${info.connectionId}": tokens revoked and removed from ${info.tokenStore}.`
      : `No connection "${info.connectionId}" in ${info.tokenStore}: nothing to do.`
  )
})
