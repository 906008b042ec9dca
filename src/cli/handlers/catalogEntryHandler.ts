/** `catalog-entry`: the registration document of the connector (JSON). */
import { Console, Effect } from "effect"
import { ConnectorModel } from "../../model/ConnectorModel.js"
import { catalogEntry } from "../catalogEntry.js"

export const catalogEntryHandler = Effect.flatMap(ConnectorModel, (loaded) => Console.log(JSON.stringify(catalogEntry(loaded), null, 2)))
