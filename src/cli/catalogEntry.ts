/**
 * The connector's registration document for a catalog of connectors: identity, OAuth settings and
 * redirect-URI templates, scopes (descriptions, implications), presets (defaults), actions, healthchecks and
 * streams with their sync modes. Everything comes from connector.yaml.
 */
import { Duration } from "effect"
import type { LoadedManifest } from "../manifest/loadManifest.js"
import { endpointMethod, streamsOf } from "../manifest/streams.js"
import { closure, defaultPresets } from "../scopes/ScopeAlgebra.js"
import { requiredScopes } from "../sync/readableStreams.js"
import { cursorField } from "./airbyte/discoverCatalog.js"

const resolveUrl = (url: string, base: string) => (/^https?:\/\//.test(url) ? url : new URL(url, base).toString())
const seconds = (d: Duration.Duration) => Math.round(Duration.toSeconds(d))

export const catalogEntry = ({ manifest }: LoadedManifest) => {
  const { connector, auth } = manifest
  const base = manifest.defaults.requester.base_url
  const impliedBy = (scope: string) =>
    Object.keys(manifest.scopes).filter((other) => other !== scope && closure(manifest, [other]).includes(scope))
  return {
    name: connector.name,
    title: connector.title,
    description: connector.description,
    documentation_url: connector.docs_url,
    api_base_url: base,
    auth: {
      type: auth.type,
      authorize_url: auth.authorize_url,
      token_url: resolveUrl(auth.token_url, base),
      revoke_url: resolveUrl(auth.revoke_url, base),
      client_authentication: auth.client_authentication,
      scope_separator: auth.scope_separator,
      access_token_lifetime_seconds: seconds(auth.access_token_lifetime),
      refresh_token_lifetime_seconds: seconds(auth.refresh_token_lifetime),
      redirect_uri_templates: auth.redirect_uris
    },
    scopes: Object.entries(manifest.scopes).map(([name, scope]) => ({
      name,
      description: scope.description,
      includes: closure(manifest, scope.includes ?? []),
      implied_by: impliedBy(name)
    })),
    presets: Object.entries(manifest.presets).map(([name, preset]) => ({
      name,
      title: preset.title,
      description: preset.description,
      scopes: preset.scopes,
      default: preset.default
    })),
    default_presets: defaultPresets(manifest),
    actions: Object.entries(manifest.actions).map(([id, action]) => {
      const endpoint = manifest.endpoints[action.endpoint ?? id]
      return {
        id,
        ...(action.description === undefined ? {} : { description: action.description }),
        scopes: action.scopes,
        ...(endpoint === undefined ? {} : { method: endpointMethod(manifest, endpoint), path: endpoint.path })
      }
    }),
    healthchecks: manifest.healthchecks.map((h) => ({ name: h.name, stream: h.stream, scopes: h.scopes })),
    streams: streamsOf(manifest).map((s) => {
      const cursor = cursorField(s)
      return {
        name: s.name,
        scopes: requiredScopes(manifest, s.name),
        primary_key: s.primaryKey,
        supported_sync_modes: cursor === undefined ? ["full_refresh"] : ["full_refresh", "incremental"],
        ...(cursor === undefined ? {} : { cursor_field: cursor }),
        ...(s.endpoint.parent === undefined ? {} : { parent: s.endpoint.parent.stream }),
        ...(s.derivedFrom === undefined ? {} : { derived_from: s.derivedFrom }),
        docs: s.docs
      }
    })
  }
}
