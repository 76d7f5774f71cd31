// ConverseStream events → OpenAI chat.completion.chunk objects, layer 3 of 4 of our streaming.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
// (events: docs/reference/bedrock-runtime.md, "Stream events") and
// https://platform.openai.com/docs/api-reference/chat-streaming/streaming.
//
// The chunk sequence a client sees: one role chunk; content / reasoning / tool-call deltas; one
// chunk with `finish_reason` (at messageStop); one usage chunk with `choices: []` (at metadata).
// Tool calls are numbered 0, 1, … in the order they start in this response (OpenAI's `index`),
// not by Converse's contentBlockIndex, which also counts text and reasoning blocks; `id`, `type`
// and `name` appear only on a call's first delta.
import { GatewayError } from '../../errors/gateway-error.ts'
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
} from '../../openai/chat-completions.ts'
import type { ConverseStreamEvent } from '../../streaming/converse-stream-events.ts'
import { finishReasonOf } from './finish-reason.ts'
import { serviceTierOf } from './response.ts'
import type { ChatResponseContext } from './response.ts'
import { toCompletionUsage } from './usage.ts'
import { streamIncomplete } from '../../errors/catalogue.ts'

type Event<K extends ConverseStreamEvent['type']> = Extract<ConverseStreamEvent, { type: K }>

interface ToolCallState {
  index: number
  sentArguments: boolean
}

/** All the state of one translated stream, in one place. */
class StreamState {
  readonly toolCalls = new Map<number, ToolCallState>()
  // Blocks of tool calls withheld because the client asked for parallel_tool_calls: false.
  readonly withheld = new Set<number>()
  roleSent = false
  finished = false
  usageSent = false
}

function incompleteStream(): GatewayError {
  return streamIncomplete('The model provider ended the response stream before it was complete.')
}

/** Translates one stream's events as they come; `end` checks that the stream was complete. */
export interface ChatChunkTranslator {
  push(event: ConverseStreamEvent): ChatCompletionChunk[]
  end(): void
}

/**
 * chatChunkTranslator translates a validated ConverseStream. It always ends with one usage chunk;
 * a stream that ends early, or a malformed_* stop reason, throws a GatewayError after the chunks
 * already produced.
 */
export function chatChunkTranslator(context: ChatResponseContext): ChatChunkTranslator {
  const state = new StreamState()
  const chunk = (
    choices: ChatCompletionChunkChoice[],
    extra: Partial<ChatCompletionChunk> = {},
  ): ChatCompletionChunk => ({
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    choices,
    ...extra,
  })
  const delta = (value: ChatCompletionChunkDelta): ChatCompletionChunk =>
    chunk([{ index: 0, delta: value, finish_reason: null, logprobs: null }])

  function* translate(event: ConverseStreamEvent): Generator<ChatCompletionChunk> {
    if (state.usageSent) return
    if (!state.roleSent && event.type !== 'metadata') {
      state.roleSent = true
      yield delta({ role: 'assistant', content: '' })
    }
    switch (event.type) {
      case 'messageStart':
        break
      case 'contentBlockStart':
        yield* onBlockStart(event, state, context, delta)
        break
      case 'contentBlockDelta':
        yield* onBlockDelta(event, state, delta)
        break
      case 'contentBlockStop':
        yield* onBlockStop(event, state, delta)
        break
      case 'messageStop':
        state.finished = true
        yield chunk([
          { index: 0, delta: {}, finish_reason: finishReasonOf(event.stopReason), logprobs: null },
        ])
        break
      case 'metadata': {
        if (!state.finished) throw incompleteStream()
        const tier = serviceTierOf(event.serviceTier?.type)
        const extra = tier === undefined ? {} : { service_tier: tier }
        state.usageSent = true
        yield chunk([], { usage: toCompletionUsage(event.usage), ...extra })
        break
      }
    }
  }
  return {
    push(event) {
      // Most events are text deltas after the role chunk: one chunk, without a generator.
      if (
        event.type === 'contentBlockDelta' &&
        state.roleSent &&
        !state.usageSent &&
        event.delta.toolUse == null &&
        event.delta.reasoningContent == null
      ) {
        const { text } = event.delta
        return typeof text === 'string' && text !== '' ? [delta({ content: text })] : []
      }
      return [...translate(event)]
    },
    end() {
      if (!state.usageSent) throw incompleteStream()
    },
  }
}

type DeltaChunk = (value: ChatCompletionChunkDelta) => ChatCompletionChunk

function* onBlockStart(
  event: Event<'contentBlockStart'>,
  state: StreamState,
  context: ChatResponseContext,
  delta: DeltaChunk,
): Generator<ChatCompletionChunk> {
  const toolUse = event.start?.toolUse
  if (toolUse === undefined || toolUse === null) return
  if (context.singleToolCall && state.toolCalls.size > 0) {
    state.withheld.add(event.contentBlockIndex)
    return
  }
  const index = state.toolCalls.size
  state.toolCalls.set(event.contentBlockIndex, { index, sentArguments: false })
  yield delta({
    tool_calls: [
      {
        index,
        id: toolUse.toolUseId,
        type: 'function',
        function: { name: toolUse.name, arguments: '' },
      },
    ],
  })
}

function* onBlockDelta(
  event: Event<'contentBlockDelta'>,
  state: StreamState,
  delta: DeltaChunk,
): Generator<ChatCompletionChunk> {
  const { text, toolUse, reasoningContent } = event.delta
  if (typeof text === 'string' && text !== '') yield delta({ content: text })
  if (toolUse !== undefined && toolUse !== null && toolUse.input !== '') {
    const call = state.toolCalls.get(event.contentBlockIndex)
    if (call !== undefined) {
      call.sentArguments = true
      yield delta({ tool_calls: [{ index: call.index, function: { arguments: toolUse.input } }] })
    }
  }
  if (reasoningContent !== undefined && reasoningContent !== null) {
    if (typeof reasoningContent.text === 'string' && reasoningContent.text !== '') {
      yield delta({ reasoning_content: reasoningContent.text })
    }
    if (typeof reasoningContent.signature === 'string' && reasoningContent.signature !== '') {
      yield delta({ reasoning_signature: reasoningContent.signature })
    }
  }
}

// A tool called without input streams no input deltas; clients JSON.parse the arguments, and
// the non-streaming response says "{}" for the same call, so the stream does too.
function* onBlockStop(
  event: Event<'contentBlockStop'>,
  state: StreamState,
  delta: DeltaChunk,
): Generator<ChatCompletionChunk> {
  const call = state.toolCalls.get(event.contentBlockIndex)
  if (call === undefined || call.sentArguments) return
  call.sentArguments = true
  yield delta({ tool_calls: [{ index: call.index, function: { arguments: '{}' } }] })
}
