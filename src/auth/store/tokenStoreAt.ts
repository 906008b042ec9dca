/**
 * The token store at a location: a `postgres://…` URL is the PostgreSQL store (shared by processes and
 * machines), anything else the SQLite file at that path.
 */
import type { Layer, Redacted } from "effect"
import { describeDatabase, isPostgresUrl } from "../../postgres/pgClient.js"
import * as PgTokenStore from "./PgTokenStore.js"
import * as SqliteTokenStore from "./SqliteTokenStore.js"
import type { TokenStore } from "./TokenStore.js"
import type { TokenStoreError } from "./TokenStoreError.js"

/**
 * `create: false`: a SQLite file that is not there is an error (a PostgreSQL store's tables are created on
 * first use either way).
 */
export const tokenStoreAt = (
  location: string,
  key: Redacted.Redacted<string>,
  options: { readonly create?: boolean | undefined } = {}
): Layer.Layer<TokenStore, TokenStoreError> =>
  isPostgresUrl(location)
    ? PgTokenStore.layerUrl(location.trim(), key)
    : SqliteTokenStore.layerFile(location, key, options.create === undefined ? {} : { create: options.create })

/** A store location as messages show it (a URL without its password). */
export const storeName = (location: string | undefined): string =>
  location === undefined ? "(none)" : isPostgresUrl(location) ? describeDatabase(location.trim()) : location
