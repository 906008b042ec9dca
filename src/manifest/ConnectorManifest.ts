/** The loaded, checked manifest as a service: what the runtime interprets. */
import type { FileSystem, Path } from "@effect/platform"
import { Context, Layer } from "effect"
import { loadManifest, type LoadedManifest } from "./loadManifest.js"
import type { ManifestError } from "./ManifestError.js"

export class ConnectorManifest extends Context.Tag("justworks-connector/ConnectorManifest")<ConnectorManifest, LoadedManifest>() {
  static layer = (file: string): Layer.Layer<ConnectorManifest, ManifestError, FileSystem.FileSystem | Path.Path> =>
    Layer.effect(ConnectorManifest, loadManifest(file))

  static layerLoaded = (loaded: LoadedManifest): Layer.Layer<ConnectorManifest> => Layer.succeed(ConnectorManifest, loaded)
}
