// The `Retry-After` header of an upstream answer, in seconds. HTTP allows two forms, a number of
// seconds or an HTTP date (RFC 9110 §10.2.3); Bedrock and Mantle send the first, but a proxy or
// another faithful implementation may send the second, and a date must not lose the pause.

/**
 * retryAfterSeconds reads either form; a date already past is 0. Anything else is undefined.
 * @example retryAfterSeconds('7') // 7
 * @example retryAfterSeconds('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('2026-10-21T07:28:00Z')) // 30
 */
export function retryAfterSeconds(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value)
  // Only the date forms HTTP names: a weekday, then letters, digits and separators.
  if (!/^[A-Za-z]{3},? [\w :-]+$/.test(value)) return undefined
  const at = Date.parse(value)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}
