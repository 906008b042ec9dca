/**
 * The connector's registration document for a catalog of connectors: identity, OAuth settings and
 * redirect-URI templates, scopes (descriptions, implications), presets (defaults), actions, healthchecks and
 * streams with their sync modes. Everything comes from connector.yaml.
 */
import { Duration } from "effect"
import type { Connector } from "../model/Connector.js"
import type { Preset, ScopeDefinition } from "../manifest/Manifest.js"
import { closure, defaultPresets } from "../scopes/ScopeAlgebra.js"

const resolveUrl = (url: string, base: string) => (/^https?:\/\//.test(url) ? url : new URL(url, base).toString())
const seconds = (d: Duration.Duration) => Math.round(Duration.toSeconds(d))

export const catalogEntry = (connector: Connector) => {
  const { auth, scopeGraph: graph } = connector
  const base = connector.requester.base_url
  const impliedBy = (scope: string) =>
    Object.keys(graph.scopes).filter((other) => other !== scope && closure(graph, [other]).includes(scope))
  return {
    name: connector.name,
    title: connector.title,
    description: connector.description,
    documentation_url: connector.docsUrl,
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
    scopes: Object.entries(graph.scopes as Readonly<Record<string, ScopeDefinition>>).map(([name, scope]) => ({
      name,
      description: scope.description,
      includes: closure(graph, scope.includes ?? []),
      implied_by: impliedBy(name)
    })),
    presets: Object.entries(graph.presets as Readonly<Record<string, Preset>>).map(([name, preset]) => ({
      name,
      title: preset.title,
      description: preset.description,
      scopes: preset.scopes,
      default: preset.default
    })),
    default_presets: defaultPresets(graph),
    actions: [...connector.actions.values()].map((action) => ({
      id: action.id,
      ...(action.description === undefined ? {} : { description: action.description }),
      scopes: action.scopes,
      method: action.endpoint.method,
      path: action.endpoint.path
    })),
    healthchecks: connector.healthchecks.map((h) => ({ name: h.name, stream: h.stream.name, scopes: h.scopes })),
    streams: connector.streams.map((s) => ({
      name: s.name,
      scopes: s.requiredScopes,
      primary_key: s.primaryKey,
      supported_sync_modes: s.syncModes,
      ...(s.cursorField === undefined ? {} : { cursor_field: s.cursorField }),
      ...(s.partitioning._tag === "Parent" ? { parent: s.partitioning.parent } : {}),
      ...(s.derivedFrom === undefined ? {} : { derived_from: s.derivedFrom }),
      docs: s.docsUrl
    }))
  }
}
