// The `converse` backend kind for the Responses API: the pure translator
// (translators/responses-to-converse), the same lean Converse client and streaming layers as the
// chat backend (converse-backend.ts): bytes → checked frames → validated events → Responses events.
import { toConverseRequestFromResponses } from '../translators/responses-to-converse/request.ts'
import {
  toResponse,
  type ResponsesResponseContext,
} from '../translators/responses-to-converse/response.ts'
import { responseEventTranslator } from '../translators/responses-to-converse/stream.ts'
import type { ConverseClient } from '../upstream/converse-client.ts'
import { checkConverseResponse, converseGuardrailConfig } from '../guardrails/converse-guardrail.ts'
import type { ResponsesRequest } from '../openai/responses.ts'
import type { BackendTarget } from './backend-target.ts'
import type { ResponsesBackend, ResponsesCallContext } from './responses-backend.ts'
import { translateConverseStream } from './translate-converse-stream.ts'
import { startingStream } from '../streaming/item-stream.ts'

export interface ConverseResponsesBackendDependencies {
  client: ConverseClient
  /** As in converse-backend.ts: the base model id behind an application-inference-profile ARN. */
  baseModelIdOf?: (target: BackendTarget) => string | undefined
}

/** createConverseResponsesBackend builds the ResponsesBackend for `kind: converse` targets. */
export function createConverseResponsesBackend(
  dependencies: ConverseResponsesBackendDependencies,
): ResponsesBackend {
  const { client, baseModelIdOf } = dependencies

  // Remote image URLs are a 400 here (data URLs only): image fetching stays with the chat backend.
  const call = (
    request: ResponsesRequest,
    target: BackendTarget,
    signal: AbortSignal,
    stream: boolean,
  ) => {
    const baseModelId = baseModelIdOf?.(target)
    const translated = toConverseRequestFromResponses(request, {
      modelId: target.modelId,
      ...(baseModelId === undefined ? {} : { baseModelId }),
    })
    const body =
      target.guardrail === undefined
        ? translated
        : { ...translated, guardrailConfig: converseGuardrailConfig(target.guardrail, stream) }
    return { modelId: target.modelId, region: target.region, body, signal }
  }
  const responseContext = (
    request: ResponsesRequest,
    context: ResponsesCallContext,
  ): ResponsesResponseContext => ({
    id: context.id,
    createdAt: context.createdAt,
    model: context.model,
    request,
  })

  return {
    async create(request, target, context) {
      const response = await client.converse(call(request, target, context.signal, false))
      context.onStopReason?.(response.stopReason)
      checkConverseResponse(response, target.guardrail, 'input')
      return toResponse(response, responseContext(request, context))
    },
    stream(request, target, context) {
      return startingStream(async () => {
        const bytes = await client.converseStream(call(request, target, context.signal, true))
        return translateConverseStream(
          bytes,
          responseEventTranslator(responseContext(request, context)),
          target.guardrail,
          context.onStopReason,
        )
      })
    },
  }
}
