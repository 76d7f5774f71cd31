// The `mantle` backend kind: OpenAI Chat Completions passed through to Bedrock Mantle, attributed
// to the caller's Bedrock project with `OpenAI-Project`. It composes the pass-through translator
// (translators/openai-to-mantle), the lean client (upstream/mantle-client.ts) and the streaming
// layers: bytes → SSE data → checked chunks → (HTTP layer) SSE again.
// References: docs/code-map.md (the path of a request) and docs/reference/mantle.md.
import { toMantleRequest } from '../translators/openai-to-mantle/request.ts'
import { toChatCompletion } from '../translators/openai-to-mantle/response.ts'
import { mantleChatChunks } from '../translators/openai-to-mantle/stream.ts'
import { startingStream } from '../streaming/item-stream.ts'
import type { MantleClient } from '../upstream/mantle-client.ts'
import { chatFinishReason } from '../observe/stop-reason.ts'
import type { ChatBackend } from './chat-backend.ts'

export interface MantleBackendDependencies {
  client: MantleClient
}

/** createMantleBackend builds the ChatBackend for `kind: mantle` targets. */
export function createMantleBackend(dependencies: MantleBackendDependencies): ChatBackend {
  const { client } = dependencies
  return {
    async complete(request, target, context) {
      const json = await client.chatCompletion({
        modelId: target.modelId,
        region: target.region,
        projectId: target.projectId,
        body: toMantleRequest(request, { modelId: target.modelId }),
        signal: context.signal,
      })
      const completion = toChatCompletion(json, { model: context.model })
      const stopReason = chatFinishReason(completion.choices)
      if (stopReason !== undefined) context.onStopReason?.(stopReason)
      return completion
    },
    stream(request, target, context) {
      return startingStream(async () => {
        const streaming = { ...request, stream: true }
        const bytes = await client.chatCompletionStream({
          modelId: target.modelId,
          region: target.region,
          projectId: target.projectId,
          body: toMantleRequest(streaming, { modelId: target.modelId }),
          signal: context.signal,
        })
        return mantleChatChunks(
          bytes,
          {
            model: context.model,
            clientWantsUsage: request.stream_options?.include_usage === true,
          },
          context.onStopReason,
        )
      })
    },
  }
}
