/** The resolved connector as a service: what the runtime interprets. */
import type { FileSystem, Path } from "@effect/platform"
import { Context, Layer } from "effect"
import type { ManifestError } from "../manifest/ManifestError.js"
import type { Connector } from "./Connector.js"
import { loadConnector } from "./loadConnector.js"

export class ConnectorModel extends Context.Tag("justworks-connector/ConnectorModel")<ConnectorModel, Connector>() {
  static layer = (file: string): Layer.Layer<ConnectorModel, ManifestError, FileSystem.FileSystem | Path.Path> =>
    Layer.effect(ConnectorModel, loadConnector(file))

  static layerLoaded = (connector: Connector): Layer.Layer<ConnectorModel> => Layer.succeed(ConnectorModel, connector)
}
