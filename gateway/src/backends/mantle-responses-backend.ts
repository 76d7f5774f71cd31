// The `mantle` backend kind for the Responses API: a pass-through to Mantle's own `/responses`,
// attributed to the caller's project with `OpenAI-Project` (upstream/mantle-client.ts), streamed
// as bytes → SSE data → checked events → (HTTP layer) SSE again, in one synchronous step per
// network read, read by push once the stream is committed (streaming/push-stream.ts).
import {
  fromMantleResponse,
  mantleResponseEvents,
  toMantleResponsesRequest,
} from '../translators/responses-to-mantle/pass-through.ts'
import { startingStream } from '../streaming/item-stream.ts'
import type { MantleClient } from '../upstream/mantle-client.ts'
import { responseStopReason } from '../observe/stop-reason.ts'
import type { ResponsesBackend } from './responses-backend.ts'

export interface MantleResponsesBackendDependencies {
  client: MantleClient
}

/** createMantleResponsesBackend builds the ResponsesBackend for `kind: mantle` targets. */
export function createMantleResponsesBackend(
  dependencies: MantleResponsesBackendDependencies,
): ResponsesBackend {
  const { client } = dependencies
  return {
    async create(request, target, context) {
      const json = await client.responses({
        modelId: target.modelId,
        region: target.region,
        projectId: target.projectId,
        body: toMantleResponsesRequest({ ...request, stream: false }, target.modelId),
        signal: context.signal,
      })
      const response = fromMantleResponse(json, context.model)
      const stopReason = responseStopReason(response)
      if (stopReason !== undefined) context.onStopReason?.(stopReason)
      return response
    },
    stream(request, target, context) {
      return startingStream(async () => {
        const bytes = await client.responsesStream({
          modelId: target.modelId,
          region: target.region,
          projectId: target.projectId,
          body: toMantleResponsesRequest({ ...request, stream: true }, target.modelId),
          signal: context.signal,
        })
        return mantleResponseEvents(bytes, context.model, context.onStopReason)
      })
    },
  }
}
