// Mantle's POST {prefix}/embeddings (OpenAI API reference: "Create embeddings";
// docs/reference/mantle.md): float arrays, or little-endian float32 base64 for `encoding_format:
// base64` (what the openai npm client asks for by default and decodes), `dimensions` limited to the
// sizes the model offers, usage as word counts. Vectors come from embedding-vectors.ts, so tests
// can predict them.
import { countWords } from './converse-reply.ts'
import { embedText, float32Base64 } from './embedding-vectors.ts'
import type { EmulatorState } from './emulator-state.ts'
import { pause, sendJson } from './http-io.ts'
import { admitInference, sendFailure } from './mantle-admission.ts'
import type { MantlePrefix } from './mantle-models.ts'
import { embeddingInputs, embeddingsRequestSchema } from './mantle-requests.ts'
import { openAIFailure } from './openai-errors.ts'
import type { Exchange } from './router.ts'
import { generationDelayMs } from './sse.ts'

export async function handleEmbeddings(
  exchange: Exchange,
  state: EmulatorState,
  prefix: MantlePrefix,
): Promise<void> {
  const admitted = await admitInference(exchange, state, {
    operation: 'mantle-embeddings',
    api: 'embeddings',
    prefix,
    schema: embeddingsRequestSchema,
    streams: () => false,
  })
  if (admitted === undefined) return
  const { request, model, scenario } = admitted
  const sizes = model.dimensions ?? [1024]
  const dimensions = request.dimensions ?? sizes[0] ?? 1024
  if (!sizes.includes(dimensions)) {
    const message = `Invalid value for 'dimensions': ${model.id} supports ${sizes.join(', ')}.`
    sendFailure(exchange, openAIFailure(400, message, 'invalid_value', 'dimensions'))
    return
  }
  const texts = embeddingInputs(request)
  const data = texts.map((text, index) => {
    const vector = embedText(model.id, text, dimensions)
    const embedding = request.encoding_format === 'base64' ? float32Base64(vector) : vector
    return { object: 'embedding', index, embedding }
  })
  const tokens = scenario.reply?.usage?.inputTokens ?? countWords(...texts)
  if (!(await pause(generationDelayMs(scenario, 1), exchange.signal))) return
  sendJson(
    exchange.res,
    200,
    {
      object: 'list',
      data,
      model: model.id,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    { 'x-request-id': exchange.requestId, 'x-amzn-RequestId': exchange.requestId },
  )
}
