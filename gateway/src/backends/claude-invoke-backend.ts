// The Messages API on `converse` route backends whose model is Claude: Bedrock InvokeModel and
// InvokeModelWithResponseStream with Anthropic's own body, so that content passes through untouched
// (thinking and its signatures, redacted thinking, cache_control, tools, documents, citations),
// through the project's application inference profile when it has one (routing/backend-target.ts),
// which is what attributes the cost. CountTokens goes to the base model through the AWS SDK.
import { invalidResponse, passedThroughError, streamIncomplete } from '../errors/catalogue.ts'
import { decodeRead, endRead } from '../streaming/bedrock-frames.ts'
import { chunkOf } from '../streaming/invoke-stream-chunks.ts'
import { EventStreamDecoder } from '../streaming/event-stream-decoder.ts'
import { itemStream, startingStream } from '../streaming/item-stream.ts'
import {
  claudeMessageSchema,
  toClientMessage,
} from '../translators/anthropic-to-invoke/response.ts'
import {
  messagesStreamTranslator,
  streamEventSchema,
  type MessagesStreamEvent,
} from '../translators/anthropic-to-invoke/stream.ts'
import type { ClaudeInvokeClient } from '../upstream/claude-invoke-client.ts'
import { messageDeltaStopReason } from '../observe/stop-reason.ts'
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

// An error event from Claude inside the stream, with its Anthropic status.
function inStreamFailure(failure: { type: string; message: string }): Error {
  return passedThroughError(
    'provider_error',
    streamStatuses[failure.type] ?? 502,
    'api_error',
    failure.message,
    {
      code: failure.type,
      upstream: failure.type === 'overloaded_error' ? 'unavailable' : 'refused',
    },
  )
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
      if (parsed.data.stop_reason !== null) context.onStopReason?.(parsed.data.stop_reason)
      return toClientMessage(parsed.data, context.model)
    },
    // One synchronous step per network read (decode, validate, translate), read by pull until
    // the first token and by push once committed (streaming/item-stream.ts).
    stream(request, target, context) {
      return startingStream(async () => {
        const bytes = await deps.client.invokeStream({
          modelId: target.modelId,
          region: target.region,
          body: request.body,
          signal: context.signal,
        })
        const translator = messagesStreamTranslator(context.model)
        const decoder = new EventStreamDecoder()
        const raws: unknown[] = []
        let stopped = false
        return itemStream<MessagesStreamEvent>(bytes, {
          read(piece, out) {
            raws.length = 0
            const failure = decodeRead(decoder, piece, raws, chunkOf)
            for (const raw of raws) {
              const parsed = streamEventSchema.safeParse(raw)
              if (!parsed.success)
                throw invalidResponse(
                  'The model provider sent an invalid stream event.',
                  parsed.error,
                )
              const translated = translator.push(parsed.data)
              if (!Array.isArray(translated)) throw inStreamFailure(translated)
              if (parsed.data.type === 'message_stop') stopped = true
              else if (parsed.data.type === 'message_delta' && context.onStopReason !== undefined) {
                const stopReason = messageDeltaStopReason(parsed.data)
                if (stopReason !== undefined) context.onStopReason(stopReason)
              }
              for (const event of translated) out.push(event)
            }
            if (failure !== undefined) throw failure
            return false
          },
          end() {
            endRead(decoder)
            if (!stopped)
              throw streamIncomplete('The model provider ended the stream before message_stop.')
          },
        })
      })
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
