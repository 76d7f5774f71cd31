// Bedrock Runtime InvokeModel, POST /model/{modelId}/invoke (docs/reference/bedrock-runtime.md),
// for the embedding models: the raw model-native JSON in and out, plus the unmodelled response
// headers `x-amzn-bedrock-input-token-count` and `x-amzn-bedrock-invocation-latency`. The model id
// may be a foundation-model id or ARN, a system profile id (`us.cohere.embed-v4:0`) or an
// application inference profile ARN created on the emulated control plane. Claude's Anthropic
// bodies are anthropic-invoke.ts; other models are not emulated.
import { randomUUID } from 'node:crypto'
import { sendAwsError, sendAwsFault } from './aws-errors.ts'
import { takeScenario, type EmulatorState } from './emulator-state.ts'
import { answeredByFault } from './fault-response.ts'
import { baseModelId } from './base-model.ts'
import { pause, sendJson } from './http-io.ts'
import { cohereEmbedding, titanEmbedding, type EmbeddingOutcome } from './invoke-embeddings.ts'
import type { Exchange, Route } from './router.ts'
import { invokeClaude, isClaude } from './anthropic-invoke.ts'
import { generationDelayMs } from './sse.ts'

function embed(baseId: string, body: unknown): EmbeddingOutcome | undefined {
  if (baseId.startsWith('amazon.titan-embed-text-v2')) return titanEmbedding(baseId, body)
  if (baseId.startsWith('cohere.embed-')) return cohereEmbedding(baseId, body, randomUUID())
  return undefined
}

async function handle(exchange: Exchange, state: EmulatorState): Promise<void> {
  const { res, requestId } = exchange
  const modelId = exchange.params['modelId'] ?? ''
  const scenario = takeScenario(state, { operation: 'invoke-model', modelId }) ?? {}
  const sendFault = sendAwsFault.bind(undefined, res, requestId)
  if (await answeredByFault(exchange, scenario.fault, false, sendFault)) return
  if (!state.profiles.resolvesModelId(modelId)) {
    const message = `The specified inference profile ${modelId} was not found.`
    sendAwsError(res, requestId, 'ResourceNotFoundException', message)
    return
  }
  const baseId = baseModelId(state, modelId)
  if (baseId === undefined) {
    sendAwsError(res, requestId, 'ValidationException', 'The provided model identifier is invalid.')
    return
  }
  if (isClaude(baseId)) {
    await invokeClaude(exchange, scenario, baseId)
    return
  }
  const outcome = embed(baseId, exchange.body)
  if (outcome === undefined) {
    const message = `The emulator implements InvokeModel only for embedding models, not ${baseId}.`
    sendAwsError(res, requestId, 'ValidationException', message)
    return
  }
  if (!outcome.ok) {
    sendAwsError(res, requestId, 'ValidationException', outcome.message)
    return
  }
  if (!(await pause(generationDelayMs(scenario, 1), exchange.signal))) return
  const inputTokens = scenario.reply?.usage?.inputTokens ?? outcome.result.inputTokens
  sendJson(res, 200, outcome.result.body, {
    'x-amzn-RequestId': requestId,
    'x-amzn-bedrock-input-token-count': String(inputTokens),
    'x-amzn-bedrock-invocation-latency': String(Math.round(performance.now() - exchange.startedAt)),
  })
}

export function invokeModelRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/model/{modelId}/invoke',
      operation: 'invoke-model',
      handle: (exchange) => handle(exchange, state),
    },
  ]
}
