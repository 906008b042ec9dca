/** Where the built command line and library lie (`npm run build`), for the tests and the bench. */
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../", import.meta.url))
export const cliFile = join(repoRoot, "dist", "justworks-connector.mjs")
export const libraryFile = join(repoRoot, "dist", "lib", "index.js")
