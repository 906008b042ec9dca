/** `catalog-entry`: the registration document of the connector (JSON). */
import { Console, Effect } from "effect"
import { ConnectorManifest } from "../../manifest/ConnectorManifest.js"
import { catalogEntry } from "../catalogEntry.js"

export const catalogEntryHandler = Effect.flatMap(ConnectorManifest, (loaded) => Console.log(JSON.stringify(catalogEntry(loaded), null, 2)))
