import { Schema } from "effect"

/**
 * A connection whose requests would carry the client secret or tokens unencrypted: `PlainHttp`, an http:// URL
 * (API base, token, revoke or authorize endpoint) to a host other than this machine, not allowed by the
 * connection's `allowInsecureHttp`. `url` is shown without userinfo.
 */
export class InsecureConnection extends Schema.TaggedError<InsecureConnection>()("InsecureConnection", {
  reason: Schema.Literal("PlainHttp"),
  /** which URL: "API base URL", "token URL", … */
  setting: Schema.String,
  url: Schema.String
}) {
  override get message(): string {
    return `the ${this.setting} ${this.url} is plain http to a host other than this machine: the client secret and the tokens would travel unencrypted; use https, or allow it (allowInsecureHttp, --allow-insecure-http)`
  }
}
