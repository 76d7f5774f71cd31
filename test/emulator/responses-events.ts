// The Responses streaming event sequence for a planned reply (OpenAI API reference: "Streaming
// events"; docs/reference/mantle.md): response.created, response.in_progress, then per output item
// output_item.added → (content_part.added → *.delta… → *.done → content_part.done) or
// function_call_arguments.delta… → .done → output_item.done, and response.completed (or
// response.incomplete) with the usage. Every event carries a sequence_number from 0.
import { chunk } from './converse-output.ts'
import type { ReplyPlan } from './converse-reply.ts'
import {
  finalStatus,
  functionCallItem,
  messageItem,
  outputItems,
  outputText,
  reasoningItem,
  responseObject,
  responsesUsage,
  type ResponseMeta,
} from './responses-object.ts'

export interface ResponsesEvent {
  type: string
  body: Record<string, unknown>
  delta: boolean
}

export interface ResponsesStreamOptions {
  chunkSize: number
  /** Unix seconds, read when the response completes. */
  now: () => number
}

type Emit = (type: string, fields: Record<string, unknown>, delta?: boolean) => ResponsesEvent

function* textPart(
  emit: Emit,
  at: { item_id: string; output_index: number },
  kind: 'output_text' | 'reasoning_text',
  text: string,
  chunkSize: number,
): Generator<ResponsesEvent> {
  const place = { ...at, content_index: 0 }
  const empty = kind === 'output_text' ? outputText('') : { type: kind, text: '' }
  const full = kind === 'output_text' ? outputText(text) : { type: kind, text }
  const extra = kind === 'output_text' ? { logprobs: [] } : {}
  yield emit('response.content_part.added', { ...place, part: empty })
  for (const piece of chunk(text, chunkSize)) {
    yield emit(`response.${kind}.delta`, { ...place, delta: piece, ...extra }, true)
  }
  yield emit(`response.${kind}.done`, { ...place, text, ...extra })
  yield emit('response.content_part.done', { ...place, part: full })
}

export function* responsesEvents(
  plan: ReplyPlan,
  meta: ResponseMeta,
  options: ResponsesStreamOptions,
): Generator<ResponsesEvent> {
  let sequence = 0
  const emit: Emit = (type, fields, delta = false) => ({
    type,
    body: { type, sequence_number: sequence++, ...fields },
    delta,
  })
  const started = responseObject(meta, { status: 'in_progress', output: [], usage: null })
  yield emit('response.created', { response: started })
  yield emit('response.in_progress', { response: started })

  const final = outputItems(plan, meta.ids)
  let index = 0
  const reasoning = reasoningItem(plan, meta.ids)
  if (reasoning !== undefined && plan.reasoning !== undefined) {
    const at = { item_id: meta.ids.reasoning, output_index: index }
    const redacted = 'redacted' in plan.reasoning
    const opened = redacted ? reasoning : { ...reasoning, content: [] }
    yield emit('response.output_item.added', { output_index: index, item: opened })
    if (!('redacted' in plan.reasoning)) {
      yield* textPart(emit, at, 'reasoning_text', plan.reasoning.text, options.chunkSize)
    }
    yield emit('response.output_item.done', { output_index: index++, item: reasoning })
  }
  if (plan.text !== undefined) {
    const at = { item_id: meta.ids.message, output_index: index }
    const opened = messageItem(plan.text, meta.ids, 'in_progress')
    yield emit('response.output_item.added', { output_index: index, item: opened })
    yield* textPart(emit, at, 'output_text', plan.text, options.chunkSize)
    const done = messageItem(plan.text, meta.ids, 'completed')
    yield emit('response.output_item.done', { output_index: index++, item: done })
  }
  for (const [call, toolCall] of plan.toolCalls.entries()) {
    const opened = functionCallItem(plan, meta.ids, call, 'in_progress')
    const at = { item_id: opened['id'], output_index: index }
    yield emit('response.output_item.added', { output_index: index, item: opened })
    const input = JSON.stringify(toolCall.input)
    // Several pieces even for small inputs, so clients must really reassemble the JSON.
    const size = Math.min(options.chunkSize, Math.max(1, Math.ceil(input.length / 3)))
    for (const piece of chunk(input, size)) {
      yield emit('response.function_call_arguments.delta', { ...at, delta: piece }, true)
    }
    yield emit('response.function_call_arguments.done', {
      ...at,
      name: toolCall.name,
      arguments: input,
    })
    const done = functionCallItem(plan, meta.ids, call, 'completed')
    yield emit('response.output_item.done', { output_index: index++, item: done })
  }

  const { status, incompleteDetails } = finalStatus(plan)
  const finished = responseObject(meta, {
    status,
    incompleteDetails,
    output: final,
    usage: responsesUsage(plan),
    completedAt: options.now(),
  })
  const type = status === 'completed' ? 'response.completed' : 'response.incomplete'
  yield emit(type, { response: finished })
}

/**
 * A failure after `sequence` events: the `error` event the API documents for streams, then
 * `response.failed` so clients waiting for a terminal response event see one.
 */
export function failureEvents(
  meta: ResponseMeta,
  sequence: number,
  error: { code: string; message: string },
): ResponsesEvent[] {
  const failed = responseObject(meta, { status: 'failed', output: [], usage: null, error })
  return [
    {
      type: 'error',
      body: {
        type: 'error',
        sequence_number: sequence,
        code: error.code,
        message: error.message,
        param: null,
      },
      delta: false,
    },
    {
      type: 'response.failed',
      body: { type: 'response.failed', sequence_number: sequence + 1, response: failed },
      delta: false,
    },
  ]
}
