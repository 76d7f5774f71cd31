// The `converse` backend kind: OpenAI Chat Completions served by Bedrock Converse/ConverseStream.
// It composes the pure translator (translators/openai-to-converse), the lean client
// (upstream/converse-client.ts) and the streaming layers (streaming/): bytes → checked frames →
// validated events → OpenAI chunks. The whole path of a request: docs/code-map.md.
import { GatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'
import { remoteImageUrls, type ResolvedImage } from '../translators/openai-to-converse/media.ts'
import { droppedParameters } from '../translators/openai-to-converse/parameter-policy.ts'
import { chatChunkTranslator } from '../translators/openai-to-converse/stream.ts'
import { toConverseRequest } from '../translators/openai-to-converse/request.ts'
import {
  toChatCompletion,
  type ChatResponseContext,
} from '../translators/openai-to-converse/response.ts'
import { checkConverseResponse, converseGuardrailConfig } from '../guardrails/converse-guardrail.ts'
import type { ConverseClient } from '../upstream/converse-client.ts'
import type { ConverseRequest } from '../upstream/converse-shapes.ts'
import type { ImageResolver } from '../upstream/image-fetcher.ts'
import type { ChatBackend, ChatCallContext } from './chat-backend.ts'
import type { BackendTarget } from './backend-target.ts'
import { translateConverseStream } from './translate-converse-stream.ts'
import { startingStream } from '../streaming/item-stream.ts'

export interface ConverseBackendDependencies {
  client: ConverseClient
  /** Fetches remote image URLs; without it they are a 400 and clients must send data URLs. */
  resolveImage?: ImageResolver
  /**
   * The base model id of a target whose modelId hides it (an application-inference-profile ARN),
   * from the routing table; decides family-specific mappings such as reasoning_effort.
   */
  baseModelIdOf?: (target: BackendTarget) => string | undefined
}

async function resolveImages(
  request: ChatCompletionRequest,
  resolveImage: ImageResolver | undefined,
  signal: AbortSignal,
): Promise<Map<string, ResolvedImage> | undefined> {
  const references = remoteImageUrls(request.messages)
  if (resolveImage === undefined || references.length === 0) return undefined
  const images = new Map<string, ResolvedImage>()
  for (const { url, param } of references) {
    if (images.has(url)) continue
    try {
      images.set(url, await resolveImage(url, signal))
    } catch (error) {
      if (!(error instanceof GatewayError) || error.param !== undefined) throw error
      throw error.retold(`${error.message} ('${param}')`, param)
    }
  }
  return images
}

/** createConverseBackend builds the ChatBackend for `kind: converse` targets. */
export function createConverseBackend(dependencies: ConverseBackendDependencies): ChatBackend {
  const { client, resolveImage, baseModelIdOf } = dependencies

  async function prepare(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
    stream: boolean,
  ): Promise<ConverseRequest> {
    const images = await resolveImages(request, resolveImage, context.signal)
    const baseModelId = baseModelIdOf?.(target)
    const body = toConverseRequest(request, {
      modelId: target.modelId,
      ...(baseModelId === undefined ? {} : { baseModelId }),
      ...(images === undefined ? {} : { images }),
    })
    if (target.guardrail === undefined) return body
    return { ...body, guardrailConfig: converseGuardrailConfig(target.guardrail, stream) }
  }

  const responseContext = (
    request: ChatCompletionRequest,
    context: ChatCallContext,
  ): ChatResponseContext => ({
    id: context.id,
    created: context.created,
    model: context.model,
    singleToolCall: request.parallel_tool_calls === false,
  })

  return {
    droppedParameters,
    async complete(request, target, context) {
      const body = await prepare(request, target, context, false)
      const response = await client.converse({
        modelId: target.modelId,
        region: target.region,
        body,
        signal: context.signal,
      })
      context.onStopReason?.(response.stopReason)
      checkConverseResponse(response, target.guardrail)
      return toChatCompletion(response, responseContext(request, context))
    },
    stream(request, target, context) {
      return startingStream(async () => {
        const body = await prepare(request, target, context, true)
        const bytes = await client.converseStream({
          modelId: target.modelId,
          region: target.region,
          body,
          signal: context.signal,
        })
        return translateConverseStream(
          bytes,
          chatChunkTranslator(responseContext(request, context)),
          target.guardrail,
          context.onStopReason,
        )
      })
    },
  }
}
