// The gateway's HTTP surface as a Hono app. A factory: it never listens and never reads env, so
// tests call app.request() with stub backends and server.ts serves the same app over Node.
import { Hono } from 'hono'
import type { AppDeps, GatewayEnv } from './app-deps.ts'
import { authenticate } from './middleware/authenticate.ts'
import { errorHandler, notFound } from './middleware/error-handler.ts'
import { inFlightListener } from './metrics/in-flight.ts'
import { jsonBody } from './middleware/json-body.ts'
import { recordRequest } from './middleware/record-request.ts'
import { requestMetrics } from './middleware/request-metrics.ts'
import { chatCompletions } from './routes/chat-completions.ts'
import { embeddings } from './routes/embeddings.ts'
import { listModels, retrieveModel } from './routes/models.ts'
import { responses } from './routes/responses.ts'
import { healthz, metricsEndpoint, readyz } from './routes/operations.ts'

export function createApp(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  app.use(requestMetrics({ metrics: deps.metrics }))

  app.get('/healthz', healthz())
  app.get('/readyz', readyz(deps.routing))
  app.get('/metrics', metricsEndpoint(deps.metrics))

  app.use(
    '/v1/*',
    recordRequest({
      listeners: [inFlightListener(deps.metrics), ...deps.requestListeners],
      logger: deps.logger,
      now: deps.now,
    }),
  )
  // Authentication comes before the body is read, so that a caller without a key cannot make
  // the gateway buffer anything.
  const caller = authenticate({
    routing: deps.routing,
    clock: deps.clock,
    serviceAccounts: deps.serviceAccounts,
  })
  app.post(
    '/v1/chat/completions',
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    chatCompletions(deps),
  )
  app.post(
    '/v1/responses',
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    responses(deps),
  )
  app.post(
    '/v1/embeddings',
    caller,
    jsonBody({ maxBytes: deps.options.maxBodyBytes }),
    embeddings(deps),
  )
  app.get('/v1/models', caller, listModels())
  // Aliases may contain slashes (`team/model`), so the parameter takes the rest of the path.
  app.get('/v1/models/:model{.+}', caller, retrieveModel())

  app.notFound(notFound())
  app.onError(errorHandler({ logger: deps.logger }))
  return app
}
