/**
 * What the connector accepts as the URL of an API, token, revoke or authorize endpoint: http(s) only, and plain
 * http only to this machine (a loopback address), unless the user allows it: the client secret and the tokens
 * travel in those requests.
 */

/** An absolute http(s) URL with a host. */
export const isHttpUrl = (s: string): boolean => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s)

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"])

/** 127.0.0.0/8, ::1 or localhost. */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/** `http://` to a host other than this machine: what `--allow-insecure-http` allows. */
export const isInsecureHttp = (url: string): boolean => {
  if (!URL.canParse(url)) return false
  const parsed = new URL(url)
  return parsed.protocol === "http:" && !isLoopbackHost(parsed.hostname)
}

/** `http://127.0.0.1:PORT/path` (or localhost, [::1]): where a browser can come back to this machine. */
export const isLoopbackRedirect = (url: string): boolean => {
  if (!URL.canParse(url)) return false
  const parsed = new URL(url)
  return parsed.protocol === "http:" && isLoopbackHost(parsed.hostname) && parsed.port !== "" && parsed.username === "" &&
    parsed.password === ""
}
