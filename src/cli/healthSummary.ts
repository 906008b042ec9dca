/** What a health report means for the connection: the verdict of `check`, and the idle-connection warning. */
import { Duration } from "effect"
import type { HealthReport } from "../health/Healthchecks.js"

export const connectionVerdict = (report: HealthReport): { readonly ok: boolean; readonly message: string } => {
  const by = (status: string) => report.checks.filter((c) => c.status === status)
  const [passed, failed, skipped] = [by("passed"), by("failed"), by("skipped")]
  const names = (checks: ReadonlyArray<{ readonly name: string }>) => checks.map((c) => c.name).join(", ")
  const skippedNote = skipped.length === 0 ? "" : `; skipped (scopes not granted): ${names(skipped)}`
  if (failed.length > 0) {
    return { ok: false, message: `${failed.map((c) => `${c.name} failed: ${c.detail}`).join("; ")}${skippedNote}` }
  }
  if (passed.length === 0) return { ok: false, message: `no healthcheck can run with the granted scopes${skippedNote}` }
  return { ok: true, message: `passed: ${names(passed)}${skippedNote}` }
}

export const idleWarning = (report: HealthReport): string | undefined =>
  report.idle.warn
    ? `the connection has been idle for ${Math.floor(Duration.toDays(report.idle.idleFor))} days: its refresh token expires in ${
      Math.max(0, Math.floor(Duration.toDays(report.idle.refreshTokenExpiresIn)))
    } days unless it is used (run \`justworks-connector healthcheck --refresh\`)`
    : undefined
