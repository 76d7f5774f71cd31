// OpenAI's rate-limit headers, on every answer of a limited route, refused or not:
// x-ratelimit-{limit,remaining,reset}-{requests,tokens}. The reset is the time until the bucket is
// full again, written as a Go duration (`1s`, `6m0s`, `12ms`) the way api.openai.com writes it.
// Reference: https://platform.openai.com/docs/guides/rate-limits (header table)
import type { RateCheck, RateUnit } from './limit-plan.ts'
import type { CheckState } from './limit-store.ts'
import { msUntilFull } from './token-bucket.ts'

const trimmed = (value: number): string => String(Number(value.toFixed(3)))

/** 950 → `950ms`, 1000 → `1s`, 9816 → `9.816s`, 360000 → `6m0s`, 3723000 → `1h2m3s`. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms))
  if (whole < 1000) return `${String(whole)}ms`
  const hours = Math.floor(whole / 3_600_000)
  const minutes = Math.floor((whole % 3_600_000) / 60_000)
  const seconds = trimmed((whole % 60_000) / 1000)
  if (hours > 0) return `${String(hours)}h${String(minutes)}m${seconds}s`
  if (minutes > 0) return `${String(minutes)}m${seconds}s`
  return `${seconds}s`
}

/** Per unit, the tightest of the request's rate limits (least remaining) speaks for all. */
export function rateLimitHeaders(
  checks: readonly { check: RateCheck; state: CheckState }[],
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const unit of ['requests', 'tokens'] as const satisfies readonly RateUnit[]) {
    const tightest = checks
      .filter(({ check }) => check.unit === unit)
      .sort((a, b) => a.state.level - b.state.level)[0]
    if (tightest === undefined) continue
    const { level, limit } = tightest.state
    headers[`x-ratelimit-limit-${unit}`] = String(Math.floor(limit))
    headers[`x-ratelimit-remaining-${unit}`] = String(Math.max(0, Math.floor(level)))
    headers[`x-ratelimit-reset-${unit}`] = goDuration(msUntilFull(level, limit))
  }
  return headers
}
