// Gives every error answer of the Anthropic endpoints Anthropic's shape. Errors are thrown
// everywhere (authentication, body limits, rate limits, the backends) and rendered once in
// OpenAI's shape by error-handler.ts; this middleware, mounted on /v1/messages*, rewrites that
// rendering afterwards, keeping the headers (Retry-After, rate-limit headers) and the message.
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { anthropicError } from '../errors/anthropic-errors.ts'

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const error = (body as { error?: unknown }).error
  if (typeof error !== 'object' || error === null) return undefined
  const message = (error as { message?: unknown }).message
  return typeof message === 'string' ? message : undefined
}

export function anthropicErrorShape(): MiddlewareHandler<GatewayEnv> {
  return async function reshapeError(c, next) {
    await next()
    const response = c.res
    if (response.status < 400) return
    if (!(response.headers.get('content-type') ?? '').includes('application/json')) return
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined)
    if ((body as { type?: unknown } | undefined)?.type === 'error') return
    const message = messageOf(body) ?? `The request failed with HTTP status ${response.status}.`
    const reshaped = anthropicError(response.status, message)
    const headers = new Headers(response.headers)
    headers.delete('content-length')
    c.res = new Response(JSON.stringify(reshaped.body), { status: reshaped.status, headers })
  }
}
