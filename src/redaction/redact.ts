/**
 * What printed text passes through before it leaves the process: stderr lines, Airbyte LOG and TRACE messages,
 * tables and error messages. `redactCredentials` replaces by `***`:
 * - the secrets of the connections this process runs (client secret, access and refresh tokens, the token
 *   store's key), registered as they become known, a refresh included;
 * - bearer tokens (`Bearer <token>`), an `Authorization:` header's value, URL userinfo (`https://user:pass@…`)
 *   and credential parameters (`refresh_token=…`, `"client_secret": "…"`), known or not.
 *
 * `redactText`, for messages (errors, logs), also masks numbers shaped like a US Social Security number.
 *
 * The registry is process-wide, as Effect's own `Redacted` registry is: a secret learnt by one layer (a token
 * refreshed deep in a read) is hidden from every printer, including the one that reports the failure after
 * the layers are gone.
 */
import { Redacted } from "effect"

/** Shorter values are not registered: replacing every occurrence of a 3-letter word would maul messages. */
export const MIN_SECRET_LENGTH = 6

const MASK = "***"

const secrets = new Set<string>()
let secretPattern: RegExp | undefined

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Remember a secret so that no printed text shows it, as given or as it appears URL-encoded or inside a JSON
 * string. Values shorter than {@link MIN_SECRET_LENGTH} (after trimming) are ignored.
 */
export const registerSecret = (secret: string | Redacted.Redacted<string> | undefined | null): void => {
  if (secret === undefined || secret === null) return
  const value = typeof secret === "string" ? secret : Redacted.value(secret)
  if (value.trim().length < MIN_SECRET_LENGTH) return
  const forms = new Set([value, value.trim(), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
  let added = false
  for (const form of forms) {
    if (form.length >= MIN_SECRET_LENGTH && !secrets.has(form)) {
      secrets.add(form)
      added = true
    }
  }
  // longest first: a secret holding another is replaced whole
  if (added) secretPattern = new RegExp([...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g")
}

/** Remember the userinfo of a URL (`https://user:password@host`) as secrets: requests to it carry them. */
export const registerUrlSecrets = (url: string | undefined): void => {
  if (url === undefined || !URL.canParse(url)) return
  const { username, password } = new URL(url)
  if (password !== "") {
    registerSecret(password)
    registerSecret(safeDecode(password))
  }
  if (username !== "" && password !== "") registerSecret(`${username}:${password}`)
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Whether `text` holds a registered secret (for tests and checks; printing goes through `redactText`). */
export const holdsSecret = (text: string): boolean => {
  if (secretPattern === undefined) return false
  secretPattern.lastIndex = 0
  return secretPattern.test(text)
}

/** `Bearer <token>`: a token has a digit (the English word "bearer" is followed by none). */
const BEARER = /\b(bearer)(\s+)(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*/gi
/** the value of an `Authorization:` header: a scheme and its credentials, or a token-like value */
const AUTHORIZATION = /\b(authorization)(\\?["']?\s*[:=]\s*\\?["']?)(?:(bearer|basic|digest|token)\s+[^\s"'\\,;}]+|[A-Za-z0-9._~+/=-]{16,})/gi
/** `scheme://user:password@host` */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi
/**
 * `refresh_token=…` (a form, a query), `"client_secret": "…"` (JSON); not `client_secret: …`, which is how the
 * connector's own messages name a field
 */
const CREDENTIAL = /\b(access_token|refresh_token|client_secret|id_token|password)(=|\\?["']\s*:\s*\\?["']?)(?!\*\*\*)([^\s"'&,;}\\]+)/gi
/** a form or query parameter named `token` (the revoke endpoint's) */
const TOKEN_PARAMETER = /(?<![\w.])(token=)([^\s&"'\\]+)/gi
/** 123-45-6789 */
const SSN_SHAPED = /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g

/** `text` without registered secrets and without credentials in the shapes above. */
export const redactCredentials = (text: string): string => {
  let out = text
  if (secretPattern !== undefined) out = out.replace(secretPattern, MASK)
  return out
    .replace(USERINFO, `$1${MASK}@`)
    .replace(AUTHORIZATION, (_, name: string, separator: string, scheme: string | undefined) => `${name}${separator}${scheme === undefined ? "" : `${scheme} `}${MASK}`)
    .replace(BEARER, `$1$2${MASK}`)
    .replace(CREDENTIAL, `$1$2${MASK}`)
    .replace(TOKEN_PARAMETER, `$1${MASK}`)
}

/** A message (error, log) as it may be printed: credentials redacted, SSN-shaped numbers masked. */
export const redactText = (text: string): string => maskSsnShapes(redactCredentials(text))

/** `text` with numbers shaped like a US Social Security number masked. */
export const maskSsnShapes = (text: string): string => text.replace(SSN_SHAPED, "***-**-****")
