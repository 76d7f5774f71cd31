// Releases an undici response body we will not read to the end. Destroying a body that has not
// ended makes undici emit an AbortError on it; nobody else listens, so we do, or Node would report
// an unhandled error. Reference: undici BodyReadable (lib/api/readable.js).
import type { Dispatcher } from 'undici'

/** discardBody frees the socket of a response whose remaining body is not wanted. */
export function discardBody(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return
  body.on('error', () => undefined)
  body.destroy()
}
