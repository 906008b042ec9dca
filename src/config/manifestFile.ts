/**
 * Where the packaged connector.yaml is: the nearest one above this module. Found by walking up, so the same
 * code works from the sources (src/config/) and from the bundle (dist/) without loading the library.
 */
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const findManifestFile = (from: string = dirname(fileURLToPath(import.meta.url))): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "connector.yaml")
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return join(from, "..", "connector.yaml")
  }
}
