/**
 * Settings that would make the connector unsafe or inert rather than fail, refused with their location: a
 * timeout of 0 (no deadline), an API or OAuth URL that is not http(s) (`javascript:`), a "loopback" redirect
 * that leaves the machine, a refresh margin that outlasts the token (every use would refresh it); and
 * sensitive fields that name nothing in the spec.
 */
import { Duration } from "effect"
import type { Manifest } from "../manifest/Manifest.js"
import { isHttpUrl, isLoopbackRedirect } from "../net/urls.js"
import { isJsonObject, mergeSchemas } from "../spec/document.js"
import type { OpenApiSpec } from "../spec/OpenApiSpec.js"
import type { Path, PathProblem } from "./problems.js"

export const checkSafety = (manifest: Manifest): Array<PathProblem> => {
  const problems: Array<PathProblem> = []
  const report = (path: Path, message: string) => problems.push({ reason: "Shape", path, message })
  const requester = manifest.defaults.requester
  for (const key of ["timeout", "response_deadline"] as const) {
    if (Duration.toMillis(requester[key]) <= 0) {
      report(["defaults", "requester", key], `${key} must be longer than 0 (a request would then have no deadline)`)
    }
  }
  const httpUrl = (path: Path, url: string, relativeAllowed: boolean) => {
    if (relativeAllowed && url.startsWith("/")) return
    if (!isHttpUrl(url)) {
      report(path, `${JSON.stringify(url)} is not an http(s) URL${relativeAllowed ? " (nor a path starting with /)" : ""}`)
    }
  }
  httpUrl(["defaults", "requester", "base_url"], requester.base_url, false)
  httpUrl(["auth", "authorize_url"], manifest.auth.authorize_url, false)
  httpUrl(["auth", "token_url"], manifest.auth.token_url, true)
  httpUrl(["auth", "revoke_url"], manifest.auth.revoke_url, true)
  const loopback = manifest.auth.redirect_uris["loopback"]
  if (loopback !== undefined && !isLoopbackRedirect(loopback.replace("{port}", "8976"))) {
    report(
      ["auth", "redirect_uris", "loopback"],
      `${JSON.stringify(loopback)} is not a loopback address: write http://127.0.0.1:{port}/path (or localhost, [::1])`
    )
  }
  const { refresh_ahead, access_token_lifetime } = manifest.auth
  if (Duration.greaterThanOrEqualTo(refresh_ahead, access_token_lifetime)) {
    report(
      ["auth", "refresh_ahead"],
      `refresh_ahead (${Duration.format(refresh_ahead)}) must be shorter than access_token_lifetime (${Duration.format(access_token_lifetime)}): every request would refresh the token`
    )
  }
  return problems
}

/** Sensitive fields name real record schemas and fields (a dotted path follows nested objects). */
export const checkSensitiveFields = (manifest: Manifest, spec: OpenApiSpec): Array<PathProblem> => {
  const problems: Array<PathProblem> = []
  for (const [schemaName, paths] of Object.entries(manifest.sensitive_fields)) {
    if (spec.schemas[schemaName] === undefined) {
      problems.push({ reason: "Spec", path: ["sensitive_fields", schemaName], message: `"${schemaName}" is not a schema of ${spec.file}`, atKey: true })
      continue
    }
    paths.forEach((path, i) => {
      if (!hasFieldPath(spec.document, schemaName, path)) {
        problems.push({ reason: "Spec", path: ["sensitive_fields", schemaName, i], message: `"${path}" is not a property of ${schemaName} in ${spec.file}` })
      }
    })
  }
  return problems
}

/** Whether the spec's record schema `schemaName` has the property at the dotted `path`. */
const hasFieldPath = (document: unknown, schemaName: string, path: string): boolean => {
  let node: unknown = { $ref: `#/components/schemas/${schemaName}` }
  for (const segment of path.split(".")) {
    const properties = mergeSchemas(document, [node])["properties"]
    node = isJsonObject(properties) ? properties[segment] : undefined
    if (node === undefined) return false
  }
  return true
}
