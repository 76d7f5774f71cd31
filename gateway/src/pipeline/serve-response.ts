// A Responses request once its route is known: as pipeline/serve-chat-completion.ts, with one
// Response object or its SSE event stream as the answer.
// Reference: https://platform.openai.com/docs/api-reference/responses/create
import type { Route, RouteBackend } from '@strata/crds'
import type { Context } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import { dispatchResponses } from '../dispatch/dispatch-request.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { ResponsesRequest } from '../openai/responses.ts'
import { fromResponsesUsage } from '../observe/token-usage.ts'
import { isFirstResponsesToken } from '../resilience/first-token.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { backendCalls } from './backend-calls.ts'
import { streamResponse } from './responses-stream.ts'

export type ResponsesDeps = Pick<
  AppDeps,
  'responses' | 'clock' | 'now' | 'logger' | 'options' | 'metrics'
> & {
  resilience: Resilience
}

export interface ResponseInput {
  /** As the client sent it: tells the client's own parameters from the route's defaults. */
  parsed: ResponsesRequest
  /** After the route's defaults and cap. */
  prepared: ResponsesRequest
  route: Route
}

export async function serveResponse(
  c: Context<GatewayEnv>,
  deps: ResponsesDeps,
  input: ResponseInput,
): Promise<Response> {
  const { parsed, prepared, route } = input
  const service = deps.responses
  const calls = backendCalls({
    c,
    deps,
    api: 'Responses API',
    route,
    backends: service?.backends,
    // Reasoning and budgets depend on the backend's family, so each candidate gets its own request.
    prepareFor: (choice: RouteBackend) => dispatchResponses({ parsed, prepared, route, choice }),
    context: {
      id: service?.newId() ?? '',
      createdAt: Math.floor(deps.clock() / 1000),
      model: prepared.model,
    },
    model: prepared.model,
  })
  return calls.serve({
    stream: prepared.stream === true,
    create: ({ backend, request, target, context }) => backend.create(request, target, context),
    open: ({ backend, request, target, context }) => backend.stream(request, target, context),
    isFirstToken: isFirstResponsesToken,
    usageOf: (answer) => (answer.usage == null ? undefined : fromResponsesUsage(answer.usage)),
    respond: streamResponse,
  })
}
