// The Messages API on `converse` route backends whose model is Claude: Bedrock InvokeModel and
// InvokeModelWithResponseStream with Anthropic's own body, so that content passes through untouched
// (thinking and its signatures, redacted thinking, cache_control, tools, documents, citations),
// through the project's application inference profile when it has one (routing/backend-target.ts),
// which is what attributes the cost. CountTokens goes to the base model through the AWS SDK.
import { invalidResponse, passedThroughError, streamIncomplete } from '../errors/catalogue.ts'
import { invokeStreamChunks } from '../streaming/invoke-stream-chunks.ts'
import {
  claudeMessageSchema,
  toClientMessage,
} from '../translators/anthropic-to-invoke/response.ts'
import {
  messagesStreamTranslator,
  streamEventSchema,
} from '../translators/anthropic-to-invoke/stream.ts'
import type { ClaudeInvokeClient } from '../upstream/claude-invoke-client.ts'
import type { CountTokensClient } from '../upstream/count-tokens-client.ts'
import type { BackendTarget } from './backend-target.ts'
import type { MessagesBackend } from './messages-backend.ts'

export interface ClaudeInvokeBackendDependencies {
  client: ClaudeInvokeClient
  countTokens: CountTokensClient
  /** The base model id behind an application-inference-profile ARN, from the routing table. */
  baseModelIdOf?: (target: BackendTarget) => string | undefined
}

// A failure Claude reports inside the stream (overloaded_error, api_error): Anthropic's statuses.
const streamStatuses: Record<string, number> = {
  overloaded_error: 503,
  rate_limit_error: 429,
  invalid_request_error: 400,
  timeout_error: 504,
}

// CountTokens counts per foundation model: a cross-region profile id loses its geography prefix.
export function foundationModelOf(modelId: string): string {
  return modelId.replace(/^(?:us|eu|apac|jp|au|ca|global|us-gov|uk)\.(?=anthropic\.)/, '')
}

export function createClaudeInvokeBackend(deps: ClaudeInvokeBackendDependencies): MessagesBackend {
  return {
    async create(request, target, context) {
      const raw = await deps.client.invoke({
        modelId: target.modelId,
        region: target.region,
        body: request.body,
        signal: context.signal,
      })
      const parsed = claudeMessageSchema.safeParse(raw)
      if (!parsed.success)
        throw invalidResponse('The model provider sent an invalid Message.', parsed.error)
      return toClientMessage(parsed.data, context.model)
    },
    async *stream(request, target, context) {
      const bytes = await deps.client.invokeStream({
        modelId: target.modelId,
        region: target.region,
        body: request.body,
        signal: context.signal,
      })
      const translator = messagesStreamTranslator(context.model)
      let stopped = false
      for await (const batch of invokeStreamChunks(bytes)) {
        for (const raw of batch) {
          const parsed = streamEventSchema.safeParse(raw)
          if (!parsed.success)
            throw invalidResponse('The model provider sent an invalid stream event.', parsed.error)
          const out = translator.push(parsed.data)
          if (!Array.isArray(out)) {
            throw passedThroughError(
              'provider_error',
              streamStatuses[out.type] ?? 502,
              'api_error',
              out.message,
              {
                code: out.type,
                upstream: out.type === 'overloaded_error' ? 'unavailable' : 'refused',
              },
            )
          }
          if (parsed.data.type === 'message_stop') stopped = true
          yield* out
        }
      }
      if (!stopped)
        throw streamIncomplete('The model provider ended the stream before message_stop.')
    },
    countTokens(request, target, signal) {
      return deps.countTokens.countTokens({
        modelId: foundationModelOf(deps.baseModelIdOf?.(target) ?? target.modelId),
        region: target.region,
        body: request.body,
        signal,
      })
    },
  }
}
