/**
 * Where the files packaged beside the code are (connector.yaml, the parsed-documents snapshot): found by
 * walking up from the module, so the same code works from the sources, the command line's bundle (dist/) and
 * the library's (dist/lib/) without loading the library.
 */
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"

/** The first of `names` (paths relative to a directory) found in `from` or a directory above it. */
export const findUp = (names: ReadonlyArray<string>, from: string): string | undefined => {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const name of names) {
      const candidate = join(dir, name)
      if (existsSync(candidate)) return candidate
    }
    if (dirname(dir) === dir) return undefined
  }
}
