// The Hono middleware of token governance, placed after the JSON body is read on the model
// endpoints: it finds the route the body names, asks the limiter, and puts OpenAI's x-ratelimit-*
// headers on whatever is answered, refusal included. An unknown alias passes through, so the
// endpoint answers its usual 404.
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import type { Operation } from '../observe/request-record.ts'
import { findRoute } from '../routing/routing-index.ts'
import type { Limiter } from './limiter.ts'
import { nodeResponseOf } from '../node-env.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const operations: Record<string, Operation> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'responses',
  '/v1/embeddings': 'embeddings',
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
}

const operationOf = (path: string): Operation | undefined => operations[path]

export interface EnforceLimitsOptions {
  /** On /v1/messages/count_tokens: counting has request limits of its own (limits/limit-plan.ts). */
  countTokens?: boolean
}

export function enforceLimits(
  limiter: Limiter,
  options: EnforceLimitsOptions = {},
): MiddlewareHandler<GatewayEnv> {
  return async function limits(c, next) {
    const body = c.get('body')
    const caller = c.get('caller')
    const model = isObject(body) ? body['model'] : undefined
    const route =
      typeof model === 'string' ? findRoute(caller.index, caller.project, model) : undefined
    if (route === undefined || !isObject(body) || typeof model !== 'string') {
      await next()
      return
    }
    const admission = await limiter.admit({
      project: caller.project,
      route,
      model,
      body,
      record: c.get('record').record,
      countTokens: options.countTokens === true,
    })
    if (admission.refusal !== undefined) {
      // The handler that would name these never runs; metrics and logs still want them.
      const open = c.get('record')
      const operation = operationOf(c.req.path)
      if (operation !== undefined) open.start(operation, body['stream'] === true)
      const { record } = open
      record.project = caller.project
      record.route = route
      record.model = model
      // The error handler renders the refusal with c.json, which keeps headers set here.
      for (const [name, value] of Object.entries(admission.headers)) c.header(name, value)
      if (admission.refusal.code === 'insufficient_quota') c.header('x-should-retry', 'false')
      throw admission.refusal
    }
    // Over Node the headers go onto the ServerResponse, whose head includes them whoever writes
    // it (Hono for JSON and errors, pipeline/sse-sink.ts for streams). Under app.request() they go
    // onto the answer afterwards: a stream's Response is built by hand, outside c.header.
    const outgoing = nodeResponseOf(c.env)
    if (outgoing !== undefined) {
      for (const [name, value] of Object.entries(admission.headers)) outgoing.setHeader(name, value)
      await next()
      return
    }
    await next()
    for (const [name, value] of Object.entries(admission.headers)) c.res.headers.set(name, value)
  }
}
