/** The connector.yaml packaged with the code, found by walking up from the module (sources, bundle or library). */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { findUp } from "../spec/findUp.js"

export const findManifestFile = (from: string = dirname(fileURLToPath(import.meta.url))): string =>
  findUp(["connector.yaml"], from) ?? join(from, "..", "connector.yaml")
