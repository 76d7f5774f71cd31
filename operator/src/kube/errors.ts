// client-node 2.x throws ApiException with a numeric `code`; other failures (network) have none.
export function statusCodeOf(error: unknown): number | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'number'
  ) {
    return error.code
  }
  return undefined
}

// The apiserver's answer to a failed call is a Status object; its message says what went wrong.
function statusMessage(body: unknown): string | undefined {
  let value: unknown = body
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body)
    } catch {
      return body.trim() === '' ? undefined : body.slice(0, 500)
    }
  }
  if (typeof value === 'object' && value !== null && 'message' in value)
    return typeof value.message === 'string' ? value.message : undefined
  return undefined
}

/**
 * One line for a log or a condition. ApiException's own message is a dump of body and response
 * headers; this keeps the HTTP status and the apiserver's message only.
 */
export function describeError(error: unknown): string {
  const code = statusCodeOf(error)
  if (code !== undefined) {
    const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : ''
    return `HTTP ${String(code)}: ${statusMessage(body) ?? 'no message'}`
  }
  return error instanceof Error ? error.message : String(error)
}
