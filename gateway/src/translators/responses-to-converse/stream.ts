// ConverseStream events → OpenAI Responses stream events, layer 3 of 4 of our streaming.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
// (events: docs/reference/bedrock-runtime.md, "Stream events") and
// https://platform.openai.com/docs/api-reference/responses-streaming.
//
// The sequence: response.created and response.in_progress at the first upstream event (so a failure
// before it is still an HTTP error); per Converse content block one output item, opened at its
// first event (text blocks have no contentBlockStart) and closed at contentBlockStop:
//   message:   output_item.added, content_part.added, output_text.delta…, output_text.done,
//              content_part.done, output_item.done
//   reasoning: the same with reasoning_text; or, when `reasoning.summary` asked for a summary,
//              output_item.added, reasoning_summary_part.added, reasoning_summary_text.delta…,
//              reasoning_summary_text.done, reasoning_summary_part.done, output_item.done
//   tool use:  output_item.added, function_call_arguments.delta…, .done, output_item.done
// then response.completed (or response.incomplete) with usage at the metadata event. Every event
// carries sequence_number from 0.
import { GatewayError } from '../../errors/gateway-error.ts'
import type {
  ResponseFunctionCallItem,
  ResponseMessageItem,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputText,
  ResponseReasoningItem,
  ResponseStreamEvent,
} from '../../openai/responses.ts'
import type { ConverseStreamEvent } from '../../streaming/converse-stream-events.ts'
import {
  itemId,
  reasoningItem,
  responseObject,
  statusOf,
  summarised,
  toResponseUsage,
  type ResponsesResponseContext,
} from './response.ts'
import { streamIncomplete } from '../../errors/catalogue.ts'

type Event<K extends ConverseStreamEvent['type']> = Extract<ConverseStreamEvent, { type: K }>

interface OpenItem {
  outputIndex: number
  item: ResponseOutputItem
  text: string
}

/** Where a block's text goes: its event names, the index field naming the part, the part type. */
interface TextSlot {
  partAdded: string
  delta: string
  textDone: string
  partDone: string
  index: Record<string, number>
  part: (text: string) => Record<string, unknown>
}

const outputText = (text: string): ResponseOutputText => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
})

const messageSlot: TextSlot = {
  partAdded: 'response.content_part.added',
  delta: 'response.output_text.delta',
  textDone: 'response.output_text.done',
  partDone: 'response.content_part.done',
  index: { content_index: 0 },
  part: (text) => ({ ...outputText(text) }),
}

const reasoningTextSlot: TextSlot = {
  partAdded: 'response.content_part.added',
  delta: 'response.reasoning_text.delta',
  textDone: 'response.reasoning_text.done',
  partDone: 'response.content_part.done',
  index: { content_index: 0 },
  part: (text) => ({ type: 'reasoning_text', text }),
}

const reasoningSummarySlot: TextSlot = {
  partAdded: 'response.reasoning_summary_part.added',
  delta: 'response.reasoning_summary_text.delta',
  textDone: 'response.reasoning_summary_text.done',
  partDone: 'response.reasoning_summary_part.done',
  index: { summary_index: 0 },
  part: (text) => ({ type: 'summary_text', text }),
}

function incompleteStream(): GatewayError {
  return streamIncomplete('The model provider ended the response stream before it was complete.')
}

/** All the state of one translated stream, in one place. */
class ResponsesStream {
  readonly open = new Map<number, OpenItem>()
  readonly output: ResponseOutputItem[] = []
  sequence = 0
  started = false
  outcome: Pick<ResponseObject, 'status' | 'incomplete_details'> | undefined
  finished = false
  readonly context: ResponsesResponseContext

  constructor(context: ResponsesResponseContext) {
    this.context = context
  }

  event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.sequence++, ...fields }
  }

  slotOf(item: ResponseMessageItem | ResponseReasoningItem): TextSlot {
    if (item.type === 'message') return messageSlot
    return summarised(this.context) ? reasoningSummarySlot : reasoningTextSlot
  }

  *start(): Generator<ResponseStreamEvent> {
    this.started = true
    const response = responseObject(this.context, {
      status: 'in_progress',
      incomplete_details: null,
      output: [],
      usage: null,
    })
    yield this.event('response.created', { response })
    yield this.event('response.in_progress', { response })
  }

  *openItem(block: number, item: ResponseOutputItem): Generator<ResponseStreamEvent> {
    const outputIndex = this.output.length
    this.output.push(item)
    this.open.set(block, { outputIndex, item, text: '' })
    const opened =
      item.type === 'message' || item.type === 'reasoning' ? { ...item, content: [] } : item
    yield this.event('response.output_item.added', { output_index: outputIndex, item: opened })
    if (item.type === 'function_call') return
    const slot = this.slotOf(item)
    yield this.event(slot.partAdded, {
      item_id: item.id,
      output_index: outputIndex,
      ...slot.index,
      part: slot.part(''),
    })
  }

  *textDelta(block: number, kind: 'message' | 'reasoning', delta: string) {
    let open = this.open.get(block)
    if (open === undefined) {
      const outputIndex = this.output.length
      const item: ResponseMessageItem | ResponseReasoningItem =
        kind === 'message'
          ? {
              id: itemId(this.context, 'msg', outputIndex),
              type: 'message',
              status: 'in_progress',
              role: 'assistant',
              content: [],
            }
          : {
              id: itemId(this.context, 'rs', outputIndex),
              type: 'reasoning',
              summary: [],
              content: [],
            }
      yield* this.openItem(block, item)
      open = this.open.get(block)
    }
    if (open === undefined || open.item.type === 'function_call') return
    open.text += delta
    const slot = this.slotOf(open.item)
    yield this.event(slot.delta, {
      item_id: open.item.id,
      output_index: open.outputIndex,
      ...slot.index,
      delta,
      ...(open.item.type === 'message' ? { logprobs: [] } : {}),
    })
  }

  *closeItem(block: number): Generator<ResponseStreamEvent> {
    const open = this.open.get(block)
    if (open === undefined) return
    this.open.delete(block)
    const { item, outputIndex } = open
    const at = { item_id: item.id, output_index: outputIndex }
    if (item.type === 'function_call') {
      // A tool called without input streams no deltas; "{}" is what the JSON answer says too.
      const args = open.text === '' ? '{}' : open.text
      const done: ResponseFunctionCallItem = { ...item, status: 'completed', arguments: args }
      this.output[outputIndex] = done
      yield this.event('response.function_call_arguments.done', {
        ...at,
        name: item.name,
        arguments: args,
      })
      yield this.event('response.output_item.done', { output_index: outputIndex, item: done })
      return
    }
    const text = open.text
    const slot = this.slotOf(item)
    const done: ResponseOutputItem =
      item.type === 'message'
        ? { ...item, status: 'completed', content: [outputText(text)] }
        : reasoningItem(this.context, item.id, text)
    const logprobs = item.type === 'message' ? { logprobs: [] } : {}
    yield this.event(slot.textDone, { ...at, ...slot.index, text, ...logprobs })
    this.output[outputIndex] = done
    yield this.event(slot.partDone, { ...at, ...slot.index, part: slot.part(text) })
    yield this.event('response.output_item.done', { output_index: outputIndex, item: done })
  }

  *onDelta(event: Event<'contentBlockDelta'>): Generator<ResponseStreamEvent> {
    const block = event.contentBlockIndex
    const { text, toolUse, reasoningContent } = event.delta
    if (typeof text === 'string' && text !== '') yield* this.textDelta(block, 'message', text)
    const reasoning = reasoningContent?.text
    if (typeof reasoning === 'string' && reasoning !== '')
      yield* this.textDelta(block, 'reasoning', reasoning)
    const open = this.open.get(block)
    if (toolUse != null && toolUse.input !== '' && open?.item.type === 'function_call') {
      open.text += toolUse.input
      yield this.event('response.function_call_arguments.delta', {
        item_id: open.item.id,
        output_index: open.outputIndex,
        delta: toolUse.input,
      })
    }
  }

  *onStart(event: Event<'contentBlockStart'>): Generator<ResponseStreamEvent> {
    const toolUse = event.start?.toolUse
    if (toolUse == null) return
    yield* this.openItem(event.contentBlockIndex, {
      id: itemId(this.context, 'fc', this.output.length),
      type: 'function_call',
      status: 'in_progress',
      call_id: toolUse.toolUseId,
      name: toolUse.name,
      arguments: '',
    })
  }

  *onMetadata(event: Event<'metadata'>): Generator<ResponseStreamEvent> {
    if (this.outcome === undefined) throw incompleteStream()
    this.finished = true
    const response = responseObject(this.context, {
      ...this.outcome,
      output: this.output,
      usage: toResponseUsage(event.usage),
    })
    const type = response.status === 'completed' ? 'response.completed' : 'response.incomplete'
    yield this.event(type, { response })
  }
}

/** Translates one stream's events as they come; `end` checks that the stream was complete. */
export interface ResponseEventTranslator {
  push(event: ConverseStreamEvent): ResponseStreamEvent[]
  end(): void
}

/**
 * responseEventTranslator translates a validated ConverseStream. A stream that ends early, or a
 * malformed_* stop reason, throws a GatewayError after the events already produced.
 */
export function responseEventTranslator(
  context: ResponsesResponseContext,
): ResponseEventTranslator {
  const stream = new ResponsesStream(context)
  function* translate(event: ConverseStreamEvent): Generator<ResponseStreamEvent> {
    if (stream.finished) return
    if (!stream.started) yield* stream.start()
    switch (event.type) {
      case 'messageStart':
        break
      case 'contentBlockStart':
        yield* stream.onStart(event)
        break
      case 'contentBlockDelta':
        yield* stream.onDelta(event)
        break
      case 'contentBlockStop':
        yield* stream.closeItem(event.contentBlockIndex)
        break
      case 'messageStop':
        stream.outcome = statusOf(event.stopReason)
        // Converse stops every block before messageStop; close any it left open all the same.
        for (const block of [...stream.open.keys()]) yield* stream.closeItem(block)
        break
      case 'metadata':
        yield* stream.onMetadata(event)
        break
    }
  }
  return {
    push: (event) => [...translate(event)],
    end() {
      if (!stream.finished) throw incompleteStream()
    },
  }
}
