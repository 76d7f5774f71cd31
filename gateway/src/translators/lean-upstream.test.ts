// Every translator fed upstream payloads with each field missing in turn, and the token counts
// read from what it returns, as the routes read them. Reading upstream is lenient: a missing
// optional detail counts as zero; a missing field the answer cannot do without is a 502
// GatewayError; nothing is ever a crash (a TypeError would be a 500, or an error after a stream's
// text).
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { fromChatUsage, fromResponsesUsage, type TokenUsage } from '../observe/token-usage.ts'
import type { ResponseObject, ResponseStreamEvent } from '../openai/responses.ts'
import { converseResponseSchema } from '../upstream/converse-shapes.ts'
import { fromMantleEmbeddings } from './embeddings-to-mantle/pass-through.ts'
import { cohereEmbed } from './openai-to-invoke-embeddings/cohere.ts'
import { titanTextV2 } from './openai-to-invoke-embeddings/titan.ts'
import { toChatCompletion as fromConverse } from './openai-to-converse/response.ts'
import { toChatCompletion as fromMantle } from './openai-to-mantle/response.ts'
import { mantleChunkRelay } from './openai-to-mantle/stream.ts'
import { toResponse } from './responses-to-converse/response.ts'
import { fromMantleResponse, fromMantleResponseEvents } from './responses-to-mantle/pass-through.ts'

type Json = Record<string, unknown>

/** Every path to a field of `value` (array elements included), shallowest first. */
function fieldPaths(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value !== 'object' || value === null) return []
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value)
  return entries.flatMap(([key, child]) => [
    [...prefix, key],
    ...fieldPaths(child, [...prefix, key]),
  ])
}

function without<T>(value: T, path: PropertyKey[]): T {
  const copy = structuredClone(value)
  let parent: unknown = copy
  for (const key of path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown>)[key]
  const last = path.at(-1)
  if (last === undefined) return copy
  if (Array.isArray(parent)) parent.splice(Number(last), 1)
  else Reflect.deleteProperty(parent as object, last)
  return copy
}

const pathName = (path: PropertyKey[]): string => path.map(String).join('.')

/** Runs `read` on the payload with each field removed; a refusal must be a 502 GatewayError. */
async function eachFieldMissing<T>(
  payload: T,
  read: (lean: T) => unknown,
  optional: readonly string[],
): Promise<void> {
  const outcomes: string[] = []
  for (const path of fieldPaths(payload)) {
    const name = pathName(path)
    try {
      await read(without(payload, path))
    } catch (error) {
      if (!(error instanceof GatewayError) || error.status !== 502)
        outcomes.push(`${name}: ${String(error)}`)
      else if (optional.includes(name)) outcomes.push(`${name}: refused an optional field`)
    }
  }
  expect(outcomes).toEqual([])
}

const completeUsage = (usage: TokenUsage): TokenUsage => {
  for (const value of Object.values(usage)) expect(Number.isFinite(value)).toBe(true)
  return usage
}

const mantleCompletion: Json = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'openai.gpt-oss-120b',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hi', reasoning: 'r' },
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 3,
    completion_tokens: 2,
    total_tokens: 5,
    prompt_tokens_details: { cached_tokens: 1 },
    completion_tokens_details: { reasoning_tokens: 1 },
  },
}

const mantleResponse: Json = {
  id: 'resp_1',
  object: 'response',
  created_at: 1,
  status: 'completed',
  model: 'openai.gpt-oss-120b',
  output: [
    {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
    },
  ],
  usage: {
    input_tokens: 3,
    input_tokens_details: { cached_tokens: 1 },
    output_tokens: 2,
    output_tokens_details: { reasoning_tokens: 1 },
    total_tokens: 5,
  },
}

const usageDetails = {
  chat: [
    'usage.prompt_tokens_details',
    'usage.prompt_tokens_details.cached_tokens',
    'usage.completion_tokens_details',
    'usage.completion_tokens_details.reasoning_tokens',
    'usage.total_tokens',
  ],
  responses: [
    'usage',
    'usage.input_tokens_details',
    'usage.input_tokens_details.cached_tokens',
    'usage.output_tokens_details',
    'usage.output_tokens_details.reasoning_tokens',
    'usage.total_tokens',
  ],
}

describe('Mantle, one field missing at a time', () => {
  it('chat completion (JSON)', async () => {
    await eachFieldMissing(
      mantleCompletion,
      (lean) => completeUsage(fromChatUsage(fromMantle(lean, { model: 'alias' }).usage)),
      usageDetails.chat,
    )
  })

  it('chat completion stream', async () => {
    const chunks: Json[] = [
      {
        id: 'c',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content: 'Hi' } }],
      },
      { id: 'c', object: 'chat.completion.chunk', choices: [], usage: mantleCompletion['usage'] },
    ]
    await eachFieldMissing(
      chunks,
      (lean) => {
        const relay = mantleChunkRelay({ model: 'alias', clientWantsUsage: true })
        const out = [...lean, '[DONE]'].flatMap((chunk) =>
          relay.push(typeof chunk === 'string' ? chunk : JSON.stringify(chunk)),
        )
        relay.end()
        for (const chunk of out) if (chunk.usage != null) completeUsage(fromChatUsage(chunk.usage))
      },
      ['1', '1.usage', ...usageDetails.chat.map((path) => `1.${path}`)],
    )
  })

  it('Responses (JSON)', async () => {
    await eachFieldMissing(
      mantleResponse,
      (lean) => {
        const response = fromMantleResponse(lean, 'alias')
        if (response.usage != null) completeUsage(fromResponsesUsage(response.usage))
      },
      usageDetails.responses,
    )
  })

  it('Responses stream', async () => {
    const events: Json[] = [
      { type: 'response.created', sequence_number: 0, response: { ...mantleResponse, output: [] } },
      { type: 'response.output_text.delta', sequence_number: 1, delta: 'Hi' },
      { type: 'response.completed', sequence_number: 2, response: mantleResponse },
    ]
    await eachFieldMissing(
      events,
      async (lean) => {
        const payloads = Readable.from(lean.map((event) => JSON.stringify(event)))
        for await (const event of fromMantleResponseEvents(payloads, 'alias')) usageOfEvent(event)
      },
      usageDetails.responses.map((path) => `2.response.${path}`),
    )
  })

  it('embeddings', async () => {
    const embeddings: Json = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      model: 'cohere.embed-v4:0',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    }
    await eachFieldMissing(embeddings, (lean) => fromMantleEmbeddings(lean, 'alias'), [
      'usage',
      'usage.prompt_tokens',
      'usage.total_tokens',
    ])
  })
})

// As pipeline/responses-stream.ts reads a closing event.
function usageOfEvent(event: ResponseStreamEvent): void {
  if (event.type !== 'response.completed') return
  const usage = (event['response'] as Partial<ResponseObject> | undefined)?.usage
  if (usage != null) completeUsage(fromResponsesUsage(usage))
}

describe('Converse and InvokeModel, one field missing at a time', () => {
  const converse: Json = {
    output: {
      message: {
        role: 'assistant',
        content: [
          { text: 'Hi' },
          { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
          { reasoningContent: { reasoningText: { text: 'r', signature: 's' } } },
        ],
      },
    },
    stopReason: 'end_turn',
    usage: {
      inputTokens: 3,
      outputTokens: 2,
      totalTokens: 5,
      cacheReadInputTokens: 1,
      cacheWriteInputTokens: 1,
    },
    metrics: { latencyMs: 1 },
    serviceTier: { type: 'default' },
  }
  const context = { id: 'chatcmpl-1', created: 1, model: 'alias', singleToolCall: false }

  // The client parses with this schema and answers 502 when it fails (upstream/converse-client.ts).
  const parsed = (lean: Json) => {
    const result = converseResponseSchema.safeParse(lean)
    if (!result.success) throw new GatewayError(502, 'api_error', 'invalid')
    return result.data
  }

  it('Converse as a chat completion and as a Response', async () => {
    await eachFieldMissing(
      converse,
      (lean) => {
        completeUsage(fromChatUsage(fromConverse(parsed(lean), context).usage))
        const response = toResponse(parsed(lean), {
          id: 'resp_1',
          createdAt: 1,
          model: 'alias',
          request: { model: 'alias', input: 'Hi' },
        })
        if (response.usage !== null) completeUsage(fromResponsesUsage(response.usage))
      },
      ['usage.totalTokens', 'usage.cacheReadInputTokens', 'usage.cacheWriteInputTokens'],
    )
  })

  it('Titan and Cohere embeddings', async () => {
    await eachFieldMissing(
      { embedding: [0.1], embeddingsByType: { float: [0.1] }, inputTextTokenCount: 1 },
      (lean) => titanTextV2.read([{ body: lean }]),
      ['inputTextTokenCount', 'embedding'],
    )
    await eachFieldMissing(
      {
        id: 'e',
        embeddings: { float: [[0.1]] },
        texts: ['a'],
        response_type: 'embeddings_by_type',
      },
      (lean) => cohereEmbed.read([{ body: lean, inputTokens: 1 }]),
      ['id', 'texts', 'response_type'],
    )
  })
})
