// Which models Mantle serves, on which OpenAI prefix and through which APIs
// (docs/reference/mantle.md), and the errors it gives for the wrong combination. Observed on live
// Mantle (NousResearch/hermes-agent #52316, #65076; enricoros/big-AGI #1167): GET /v1/models lists
// every model; a model on the other prefix is a 400 "model `<id>` isn't supported on this route"
// (code validation_error); an API the model lacks is a 400 "The model '<id>' does not support the
// '<path>' API". Which embedding models /v1/embeddings serves is UNCONFIRMED.
import { openAIFailure, type OpenAIFailure } from './openai-errors.ts'

export const mantlePrefixes = ['/v1', '/openai/v1'] as const
export type MantlePrefix = (typeof mantlePrefixes)[number]

export type MantleApi = 'chat' | 'responses' | 'embeddings' | 'messages'

export interface MantleModel {
  id: string
  prefix: MantlePrefix
  apis: readonly MantleApi[]
  /** Embedding models: the vector sizes `dimensions` may ask for; the first is the default. */
  dimensions?: readonly number[]
}

const openWeight: MantleApi[] = ['chat', 'responses']
const v1 = (id: string, apis: MantleApi[] = openWeight): MantleModel => ({
  id,
  prefix: '/v1',
  apis,
})
const openai = (id: string, apis: MantleApi[]): MantleModel => ({ id, prefix: '/openai/v1', apis })

export const mantleModels: readonly MantleModel[] = [
  ...[
    'openai.gpt-oss-120b',
    'openai.gpt-oss-20b',
    'openai.gpt-oss-safeguard-120b',
    'openai.gpt-oss-safeguard-20b',
    'qwen.qwen3-32b',
    'qwen.qwen3-235b-a22b-2507',
    'qwen.qwen3-coder-30b-a3b-instruct',
    'qwen.qwen3-coder-480b-a35b-instruct',
    'qwen.qwen3-coder-next',
    'qwen.qwen3-next-80b-a3b-instruct',
    'deepseek.v3.2',
    'mistral.mistral-large-3-675b-instruct',
    'mistral.ministral-3-3b-instruct',
    'moonshotai.kimi-k2.5',
    'zai.glm-5',
    'minimax.minimax-m2.5',
    'nvidia.nemotron-super-3-120b',
    'nvidia.nemotron-nano-3-30b',
  ].map((id) => v1(id)),
  // Claude on Mantle speaks only the Anthropic Messages API, which the emulator lacks.
  v1('anthropic.claude-haiku-4-5', ['messages']),
  v1('anthropic.claude-opus-4-7', ['messages']),
  {
    id: 'amazon.titan-embed-text-v2:0',
    prefix: '/v1',
    apis: ['embeddings'],
    dimensions: [1024, 512, 256],
  },
  {
    id: 'cohere.embed-v4:0',
    prefix: '/v1',
    apis: ['embeddings'],
    dimensions: [1536, 1024, 512, 256],
  },
  ...[
    'openai.gpt-5.4',
    'openai.gpt-5.5',
    'openai.gpt-5.6-sol',
    'openai.gpt-5.6-terra',
    'openai.gpt-5.6-luna',
  ].map((id) => openai(id, ['responses'])),
  openai('google.gemma-4-31b', openWeight),
  openai('google.gemma-4-26b-a4b', openWeight),
  openai('xai.grok-4.3', openWeight),
]

export function findMantleModel(id: string): MantleModel | undefined {
  return mantleModels.find((model) => model.id === id)
}

const apiPaths: Record<MantleApi, string> = {
  chat: 'chat/completions',
  responses: 'responses',
  embeddings: 'embeddings',
  messages: 'messages',
}

/** The model when `api` on `prefix` serves it, or the error Mantle answers with. */
export function routeModel(
  id: string,
  prefix: MantlePrefix,
  api: MantleApi,
): { ok: true; model: MantleModel } | { ok: false; failure: OpenAIFailure } {
  const model = findMantleModel(id)
  if (model === undefined) {
    const message = `The model \`${id}\` does not exist or you do not have access to it.`
    return { ok: false, failure: openAIFailure(404, message, 'model_not_found', 'model') }
  }
  if (model.prefix !== prefix) {
    const message = `model \`${id}\` isn't supported on this route`
    return { ok: false, failure: openAIFailure(400, message, 'validation_error', 'model') }
  }
  if (!model.apis.includes(api)) {
    const message = `The model '${id}' does not support the '${prefix}/${apiPaths[api]}' API`
    return { ok: false, failure: openAIFailure(400, message, 'validation_error', 'model') }
  }
  return { ok: true, model }
}

// A fixed timestamp keeps /models answers identical between runs.
const listedAt = 1764460800

/** OpenAI's Model object; `owned_by` is the provider part of the id. */
export function modelObject(model: MantleModel): Record<string, unknown> {
  const owner = model.id.split('.')[0] ?? 'amazon'
  return { id: model.id, object: 'model', created: listedAt, owned_by: owner }
}
