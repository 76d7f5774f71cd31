// What a client gets when Node's HTTP parser refuses its request before the app sees it: oversized
// headers, a malformed request line, a bare LF or NUL in a header, Content-Length together with
// Transfer-Encoding. Node's own answer has the right status but an empty body; this one keeps the
// status (and what is refused) and adds OpenAI's error shape, as every other answer has.
// Reference: the `clientError` event of node:http Server and its default handler in Node's
// lib/_http_server.js (the statuses below are the ones it picks).
import type { Duplex } from 'node:stream'
import type { OpenAIErrorBody } from './errors/gateway-error.ts'

interface Refusal {
  status: number
  reason: string
  body: OpenAIErrorBody
}

function refusal(status: number, reason: string, message: string, code: string): Refusal {
  const type = status === 408 ? 'timeout_error' : 'invalid_request_error'
  return { status, reason, body: { error: { message, type, param: null, code } } }
}

/** The answer to a parser error, by its code (`HPE_*` from llhttp, or Node's own). */
export function clientErrorRefusal(code: string | undefined): Refusal {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return refusal(
        431,
        'Request Header Fields Too Large',
        'The request headers are larger than this server accepts.',
        'request_headers_too_large',
      )
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return refusal(
        413,
        'Payload Too Large',
        'The chunk extensions of the request body are larger than this server accepts.',
        'request_too_large',
      )
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refusal(
        408,
        'Request Timeout',
        'The request was not received in time.',
        'request_timeout',
      )
    default:
      return refusal(
        400,
        'Bad Request',
        'The request is not valid HTTP/1.1 (request line, headers or framing).',
        'malformed_http_request',
      )
  }
}

/** The bytes of the answer; the connection closes after it, as Node's own answer does. */
export function clientErrorAnswer(code: string | undefined): string {
  const { status, reason, body } = clientErrorRefusal(code)
  const json = JSON.stringify(body)
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(json)}\r\n` +
    'Connection: close\r\n\r\n' +
    json
  )
}

/** A `clientError` listener for node:http's Server. */
export function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Node's default handler writes nothing when the socket is gone or an answer is already on its
  // way on this connection (a keep-alive request whose response started); neither does this.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy(error)
    return
  }
  socket.end(clientErrorAnswer(error.code))
}
