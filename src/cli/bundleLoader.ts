/**
 * Runs the command line's bundle (`dist/cli.cjs`, one CommonJS file) with V8's code cache: the build runs it
 * once and saves the compiled code beside it (`dist/cli.cjs.cache`), so that a start compiles next to nothing
 * (Node 20 has no compile cache for ES modules). The cache is used only when it was made from these very bytes
 * (their SHA-1 heads the file) and by this V8 (V8 rejects it otherwise); anything else, a missing or unreadable
 * file included, compiles the bundle as usual. Nothing is written at run time except when the build asks.
 */
import { isAscii } from "node:buffer"
import { createHash } from "node:crypto"
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { Script } from "node:vm"

/** The first line of a cache file; the hex SHA-1 of the bundle follows on the second. */
const MAGIC = "justworks-connector code cache 1\n"

/** Set by the build for its one run of the bundle: save the code cache when the process exits. */
export const writeCacheVariable = "JUSTWORKS_CONNECTOR_WRITE_CODE_CACHE"

export const cacheFileOf = (bundle: string): string => `${bundle}.cache`

const keyOf = (bytes: Buffer): string => createHash("sha1").update(bytes).digest("hex")

/** The V8 data of a cache made from the bundle whose key is `key`; undefined when there is none that fits. */
const cachedDataFor = (file: string, key: string): Buffer | undefined => {
  let data: Buffer
  try {
    data = readFileSync(file)
  } catch {
    return undefined
  }
  const head = `${MAGIC}${key}\n`
  return data.length > head.length && data.toString("latin1", 0, head.length) === head ? data.subarray(head.length) : undefined
}

export interface BundleRun {
  /** whether V8 took the saved code (false: none fitted, or V8 rejected it) */
  readonly cacheUsed: boolean
}

/** Compile and run `bundle` as a CommonJS module of this process (strict, as the ES modules it is made of). */
export const runBundle = (bundle: string): BundleRun => {
  const bytes = readFileSync(bundle)
  // esbuild writes ASCII unless told otherwise: then a one-byte string, read without decoding
  const text = bytes.toString(isAscii(bytes) ? "latin1" : "utf8")
  // a `#!` line (main.ts has one) is a comment here; the lines keep their numbers
  const source = text.startsWith("#!") ? `//${text}` : text
  const key = keyOf(bytes)
  const cacheFile = cacheFileOf(bundle)
  const cachedData = cachedDataFor(cacheFile, key)
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {"use strict";${source}\n})`, {
    filename: bundle,
    ...(cachedData === undefined ? {} : { cachedData })
  })
  if (process.env[writeCacheVariable] === "1") {
    // at exit: the code the run compiled is in it too
    process.once("exit", () => {
      const partial = `${cacheFile}.${process.pid}`
      try {
        writeFileSync(partial, Buffer.concat([Buffer.from(`${MAGIC}${key}\n`, "latin1"), script.createCachedData()]))
        renameSync(partial, cacheFile)
      } catch (error) {
        rmSync(partial, { force: true })
        process.stderr.write(`justworks-connector: cannot save the code cache ${cacheFile}: ${error instanceof Error ? error.message : String(error)}\n`)
        process.exitCode = 1
      }
    })
  }
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void
  const module = { exports: {} }
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle))
  return { cacheUsed: cachedData !== undefined && !script.cachedDataRejected }
}
