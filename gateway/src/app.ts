// The gateway's HTTP surface as a Hono app. A factory: it never listens and never reads env, so
// tests call app.request() with stub backends and server.ts serves the same app over Node.
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppDeps } from './app-deps.ts'
import type { GatewayEnv } from './gateway-env.ts'
import { authenticate } from './middleware/authenticate.ts'
import { errorHandler, notFound } from './middleware/error-handler.ts'
import { inFlightListener } from './metrics/in-flight.ts'
import { recordMetricsListener } from './metrics/record-metrics.ts'
import { backendRecordListener } from './metrics/backend-record-metrics.ts'
import { defaultPriceTable } from './observe/cost.ts'
import { jsonBody } from './middleware/json-body.ts'
import { captureContent } from './middleware/capture-content.ts'
import { overheadHeader } from './middleware/overhead-header.ts'
import { enforceLimits } from './limits/enforce-limits.ts'
import { recordRequest } from './middleware/record-request.ts'
import { createAdmission } from './middleware/admission.ts'
import { registerLoopMetrics } from './metrics/loop-metrics.ts'
import { requestMetrics } from './middleware/request-metrics.ts'
import { chatCompletions } from './routes/chat-completions.ts'
import { embeddings } from './routes/embeddings.ts'
import { listModels, retrieveModel } from './routes/models.ts'
import { responses } from './routes/responses.ts'
import { messages } from './routes/messages.ts'
import { countTokens } from './routes/count-tokens.ts'
import { anthropicErrorShape } from './middleware/anthropic-error-shape.ts'
import { createResilience } from './resilience/resilience.ts'
import { healthz, metricsEndpoint, readyz } from './routes/operations.ts'

export function createApp(appDeps: AppDeps): Hono<GatewayEnv> {
  const deps = { ...appDeps, resilience: appDeps.resilience ?? createResilience(appDeps) }
  const maxInFlight = deps.options.maxInFlight ?? 0
  const { loopDelay } = deps
  const admission =
    maxInFlight > 0 || loopDelay !== undefined
      ? createAdmission({
          maxInFlight,
          ...(loopDelay ? { loop: { ...loopDelay, now: deps.now } } : {}),
        })
      : undefined
  if (admission && loopDelay)
    registerLoopMetrics(deps.metrics.registry, {
      delayMs: loopDelay.delayMs,
      limit: admission.adaptiveLimit,
    })
  const admit: MiddlewareHandler<GatewayEnv> = admission
    ? admission.admit
    : async (_c, next) => {
        await next()
      }
  const app = new Hono<GatewayEnv>()
  app.use(requestMetrics({ metrics: deps.metrics }))

  app.get('/healthz', healthz())
  app.get('/readyz', readyz(deps.routing, deps.stopping))
  app.get('/metrics', metricsEndpoint(deps.metrics))

  app.use(
    '/v1/*',
    recordRequest({
      listeners: [
        inFlightListener(deps.metrics),
        recordMetricsListener(deps.metrics.genAi, deps.prices ?? defaultPriceTable),
        backendRecordListener(deps.metrics.backends, deps.prices ?? defaultPriceTable),
        ...(deps.limits ? [deps.limits.listener] : []),
        ...(admission ? [admission.listener] : []),
        ...deps.requestListeners,
      ],
      logger: deps.logger,
      now: deps.now,
      onAnswer: overheadHeader({ now: deps.now }),
    }),
  )
  if (deps.contentCapture) app.use('/v1/*', captureContent(deps.contentCapture))
  // Authentication comes before the body is read, so that a caller without a key cannot make
  // the gateway buffer anything.
  const caller = authenticate({
    routing: deps.routing,
    clock: deps.clock,
    serviceAccounts: deps.serviceAccounts,
  })
  const passThrough: MiddlewareHandler<GatewayEnv> = async (_c, next) => {
    await next()
  }
  const limits = deps.limits ? enforceLimits(deps.limits) : passThrough
  const countTokenLimits = deps.limits
    ? enforceLimits(deps.limits, { countTokens: true })
    : passThrough
  // Admission comes first: refusing the excess must cost as little as possible.
  app.post(
    '/v1/chat/completions',
    admit,
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    limits,
    chatCompletions(deps),
  )
  app.post(
    '/v1/responses',
    admit,
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    limits,
    responses(deps),
  )
  app.post(
    '/v1/embeddings',
    admit,
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    limits,
    embeddings(deps),
  )
  // Anthropic's Messages API: its own error shape, and keys in `x-api-key` as well.
  app.use('/v1/messages', anthropicErrorShape())
  app.use('/v1/messages/*', anthropicErrorShape())
  const anthropicCaller = authenticate({
    routing: deps.routing,
    clock: deps.clock,
    serviceAccounts: deps.serviceAccounts,
    apiKeyHeader: true,
  })
  app.post(
    '/v1/messages',
    admit,
    anthropicCaller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    limits,
    messages(deps),
  )
  app.post(
    '/v1/messages/count_tokens',
    admit,
    anthropicCaller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    countTokenLimits,
    countTokens(deps),
  )
  app.get('/v1/models', caller, listModels())
  // Aliases may contain slashes (`team/model`), so the parameter takes the rest of the path.
  app.get('/v1/models/:model{.+}', caller, retrieveModel())

  app.notFound(notFound())
  app.onError(errorHandler({ logger: deps.logger }))
  return app
}
