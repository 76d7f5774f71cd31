// Bedrock Mantle, the OpenAI-compatible endpoint (docs/reference/mantle.md): chat completions,
// responses, embeddings and models under both OpenAI prefixes, `/v1` and `/openai/v1`. Which
// models a prefix serves is in mantle-models.ts; the Projects API (also Mantle) is projects.ts.
import type { EmulatorState } from './emulator-state.ts'
import { sendJson } from './http-io.ts'
import { admitCall, sendFailure } from './mantle-admission.ts'
import { handleEmbeddings } from './mantle-embeddings.ts'
import { handleChat, handleResponses } from './mantle-inference.ts'
import { findMantleModel, mantleModels, mantlePrefixes, modelObject } from './mantle-models.ts'
import { openAIFailure } from './openai-errors.ts'
import type { Exchange, Route } from './router.ts'

async function listModels(exchange: Exchange, state: EmulatorState): Promise<void> {
  if ((await admitCall(exchange, state, 'mantle-models')) === undefined) return
  // Live Mantle lists every model on /v1/models, including those served only on /openai/v1.
  sendJson(
    exchange.res,
    200,
    { object: 'list', data: mantleModels.map(modelObject) },
    {
      'x-request-id': exchange.requestId,
    },
  )
}

async function getModel(exchange: Exchange, state: EmulatorState): Promise<void> {
  const id = exchange.params['model'] ?? ''
  exchange.record.modelId = id
  if ((await admitCall(exchange, state, 'mantle-models')) === undefined) return
  const model = findMantleModel(id)
  if (model === undefined) {
    const message = `The model \`${id}\` does not exist or you do not have access to it.`
    sendFailure(exchange, openAIFailure(404, message, 'model_not_found', 'model'))
    return
  }
  sendJson(exchange.res, 200, modelObject(model), { 'x-request-id': exchange.requestId })
}

export function mantleRoutes(state: EmulatorState): Route[] {
  return mantlePrefixes.flatMap((prefix): Route[] => [
    {
      method: 'POST',
      pattern: `${prefix}/chat/completions`,
      operation: 'mantle-chat',
      handle: (exchange) => handleChat(exchange, state, prefix),
    },
    {
      method: 'POST',
      pattern: `${prefix}/responses`,
      operation: 'mantle-responses',
      handle: (exchange) => handleResponses(exchange, state, prefix),
    },
    {
      method: 'POST',
      pattern: `${prefix}/embeddings`,
      operation: 'mantle-embeddings',
      handle: (exchange) => handleEmbeddings(exchange, state, prefix),
    },
    {
      method: 'GET',
      pattern: `${prefix}/models`,
      operation: 'mantle-models',
      handle: (exchange) => listModels(exchange, state),
    },
    {
      method: 'GET',
      pattern: `${prefix}/models/{model}`,
      operation: 'mantle-models',
      handle: (exchange) => getModel(exchange, state),
    },
  ])
}
