// AWS-shaped answers for the plain Bedrock stand-in (plain-bedrock.ts), from the public contracts:
// - Converse: API reference "Converse" (output.message, stopReason, usage with optional
//   cacheReadInputTokens / cacheWriteInputTokens, metrics.latencyMs);
// - ConverseStream: "ConverseStreamOutput" events (messageStart, contentBlockStart,
//   contentBlockDelta, contentBlockStop, messageStop, metadata), each payload with the `p`
//   padding field real Bedrock adds to hide token lengths;
// - InvokeModel(WithResponseStream) for Claude: the user guide's "Anthropic Claude Messages API"
//   response, and `chunk` events whose `bytes` are base64 Anthropic stream events, the last one
//   with `amazon-bedrock-invocationMetrics`;
// - Titan Text Embeddings V2 and Cohere Embed responses, with `X-Amzn-Bedrock-Input-Token-Count`.
// Fields AWS may add are added here on purpose (`futureField`, `serviceTier`): a client must
// ignore what it does not know.
import { eventMessage, exceptionMessage } from './plain-event-stream.ts'
import type { JsonReply, PlainReply } from './plain-bedrock.ts'

export interface ToolCall {
  id: string
  name: string
  input: Record<string, unknown>
}

export interface ConverseUsage {
  inputTokens: number
  outputTokens: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

const total = (usage: ConverseUsage): number =>
  usage.inputTokens +
  usage.outputTokens +
  (usage.cacheReadInputTokens ?? 0) +
  (usage.cacheWriteInputTokens ?? 0)

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
let padCount = 0
/** A padding string of varying length, as in the `p` field of real stream events. */
function pad(): string {
  padCount += 1
  return alphabet.slice(0, 3 + ((padCount * 7) % 50))
}

export function converseReply(options: {
  text?: string
  tool?: ToolCall
  stopReason: string
  usage: ConverseUsage
}): PlainReply {
  const content: unknown[] = []
  if (options.text !== undefined) content.push({ text: options.text })
  if (options.tool !== undefined)
    content.push({
      toolUse: { toolUseId: options.tool.id, name: options.tool.name, input: options.tool.input },
    })
  return {
    kind: 'json',
    body: {
      output: { message: { role: 'assistant', content } },
      stopReason: options.stopReason,
      usage: { ...options.usage, totalTokens: total(options.usage) },
      metrics: { latencyMs: 412 },
      serviceTier: { type: 'default' },
      futureField: { anything: [1, 2, 3] },
    },
  }
}

export function converseStreamReply(options: {
  pieces?: string[]
  tool?: ToolCall & { inputPieces: string[] }
  stopReason: string
  usage: ConverseUsage
  /** An exception sent after the content, in place of messageStop and metadata. */
  exception?: { type: string; message: string }
}): PlainReply {
  const messages: Buffer[] = [eventMessage('messageStart', { role: 'assistant', p: pad() })]
  let index = 0
  if (options.pieces !== undefined) {
    for (const text of options.pieces)
      messages.push(
        eventMessage('contentBlockDelta', { contentBlockIndex: index, delta: { text }, p: pad() }),
      )
    messages.push(eventMessage('contentBlockStop', { contentBlockIndex: index, p: pad() }))
    index += 1
  }
  if (options.tool !== undefined) {
    const { id, name, inputPieces } = options.tool
    messages.push(
      eventMessage('contentBlockStart', {
        contentBlockIndex: index,
        start: { toolUse: { toolUseId: id, name } },
        p: pad(),
      }),
    )
    for (const input of inputPieces)
      messages.push(
        eventMessage('contentBlockDelta', {
          contentBlockIndex: index,
          delta: { toolUse: { input } },
          p: pad(),
        }),
      )
    messages.push(eventMessage('contentBlockStop', { contentBlockIndex: index, p: pad() }))
  }
  if (options.exception !== undefined) {
    messages.push(exceptionMessage(options.exception.type, options.exception.message))
    return { kind: 'stream', messages }
  }
  messages.push(
    eventMessage('messageStop', { stopReason: options.stopReason, p: pad() }),
    eventMessage('metadata', {
      usage: { ...options.usage, totalTokens: total(options.usage) },
      metrics: { latencyMs: 377 },
      futureField: 'ignored',
      p: pad(),
    }),
  )
  return { kind: 'stream', messages }
}

export interface ClaudeUsage {
  input_tokens: number
  output_tokens: number
  cache_read_input_tokens?: number
  cache_creation_input_tokens?: number
}

function tokenHeaders(usage: ClaudeUsage): Record<string, string> {
  return {
    'X-Amzn-Bedrock-Input-Token-Count': String(usage.input_tokens),
    'X-Amzn-Bedrock-Output-Token-Count': String(usage.output_tokens),
    'X-Amzn-Bedrock-Invocation-Latency': '523',
  }
}

export function claudeMessageReply(options: {
  id: string
  model: string
  text?: string
  tool?: ToolCall
  stopReason: string
  usage: ClaudeUsage
}): PlainReply {
  const content: unknown[] = []
  if (options.text !== undefined) content.push({ type: 'text', text: options.text })
  if (options.tool !== undefined) content.push({ type: 'tool_use', ...options.tool })
  return {
    kind: 'json',
    headers: tokenHeaders(options.usage),
    body: {
      id: options.id,
      type: 'message',
      role: 'assistant',
      model: options.model,
      content,
      stop_reason: options.stopReason,
      stop_sequence: null,
      usage: options.usage,
    },
  }
}

function chunk(event: Record<string, unknown>): Buffer {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64')
  return eventMessage('chunk', { bytes, p: pad() })
}

export function claudeStreamReply(options: {
  id: string
  model: string
  pieces?: string[]
  tool?: Omit<ToolCall, 'input'> & { inputPieces: string[] }
  stopReason: string
  usage: ClaudeUsage
}): PlainReply {
  const { usage } = options
  const messages: Buffer[] = [
    chunk({
      type: 'message_start',
      message: {
        id: options.id,
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ]
  let index = 0
  if (options.pieces !== undefined) {
    messages.push(
      chunk({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
    )
    for (const text of options.pieces)
      messages.push(
        chunk({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
      )
    messages.push(chunk({ type: 'content_block_stop', index }))
    index += 1
  }
  if (options.tool !== undefined) {
    messages.push(
      chunk({
        type: 'content_block_start',
        index,
        content_block: {
          type: 'tool_use',
          id: options.tool.id,
          name: options.tool.name,
          input: {},
        },
      }),
    )
    for (const partial_json of options.tool.inputPieces)
      messages.push(
        chunk({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json },
        }),
      )
    messages.push(chunk({ type: 'content_block_stop', index }))
  }
  messages.push(
    chunk({
      type: 'message_delta',
      delta: { stop_reason: options.stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    chunk({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: usage.input_tokens,
        outputTokenCount: usage.output_tokens,
        invocationLatency: 611,
        firstByteLatency: 187,
      },
    }),
  )
  return {
    kind: 'stream',
    messages,
    headers: { 'X-Amzn-Bedrock-Content-Type': 'application/json' },
  }
}

export function titanEmbeddingReply(embedding: number[], inputTokens: number): JsonReply {
  return {
    kind: 'json',
    headers: { 'X-Amzn-Bedrock-Input-Token-Count': String(inputTokens) },
    body: { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: inputTokens },
  }
}

export function cohereEmbeddingReply(
  texts: string[],
  vectors: number[][],
  inputTokens: number,
): PlainReply {
  return {
    kind: 'json',
    headers: { 'X-Amzn-Bedrock-Input-Token-Count': String(inputTokens) },
    body: {
      id: 'c0a8e6d2-plain',
      embeddings: { float: vectors },
      texts,
      response_type: 'embeddings_by_type',
    },
  }
}

export function awsErrorReply(type: string, status: number, message: string): PlainReply {
  return { kind: 'error', status, type, message }
}
