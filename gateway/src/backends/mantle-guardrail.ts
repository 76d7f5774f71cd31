// Guardrails on Mantle routes. Mantle's OpenAI API takes no guardrail, so the gateway checks with
// ApplyGuardrail: the input before the call (a block is a 400 content_filter and the model is never
// called), the answer after it.
//
// Streams: the answer is checked in windows of `windowChars` characters, and a window's chunks
// reach the client only once it passed (Bedrock's own "sync" stream mode). Checking only the
// whole answer at the end would either hold back the entire stream (no streaming) or let blocked
// text through before the verdict; windows bound both the delay (about one ApplyGuardrail round
// trip per window) and the cost (about one text unit of 1,000 characters per window). Each check
// also sees the tail of the previous window, so a blocked phrase split across windows is caught.
// On an intervention the held chunks are dropped, one chunk with the guardrail's message and
// finish_reason content_filter takes their place, and the rest of the upstream stream is drained
// unseen so that its usage chunk still counts the tokens Bedrock bills.
// Reference: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../openai/chat-completions.ts'
import type { ChatBackend, ChatCallContext } from './chat-backend.ts'
import type { BackendTarget } from './backend-target.ts'
import type { GuardrailClient } from '../upstream/guardrail-client.ts'
import { blockedInput, type GuardrailTarget } from '../guardrails/guardrail-target.ts'

export interface MantleGuardrailOptions {
  client: GuardrailClient
  /** Characters of answer per ApplyGuardrail check on a stream. */
  windowChars?: number
}

const OVERLAP_CHARS = 64
const DEFAULT_BLOCKED_OUTPUT = 'The answer was blocked by a content guardrail.'

/** The texts a guardrail judges as input: what the caller wrote (system, developer, user). */
export function inputTexts(request: ChatCompletionRequest): string[] {
  return request.messages.flatMap((message) => {
    if (message.role !== 'system' && message.role !== 'developer' && message.role !== 'user')
      return []
    if (typeof message.content === 'string') return [message.content]
    return message.content.flatMap((part) =>
      part.type === 'text' && typeof part.text === 'string' ? [part.text] : [],
    )
  })
}

const chunkText = (chunk: ChatCompletionChunk): string =>
  chunk.choices.map((choice) => choice.delta.content ?? '').join('')

export function withApplyGuardrail(
  inner: ChatBackend,
  options: MantleGuardrailOptions,
): ChatBackend {
  const { client } = options
  const windowChars = options.windowChars ?? 1000

  const check = (
    guardrail: GuardrailTarget,
    target: BackendTarget,
    source: 'INPUT' | 'OUTPUT',
    texts: string[],
    signal: AbortSignal,
  ) =>
    client.apply({
      identifier: guardrail.identifier,
      version: guardrail.version,
      region: target.region,
      source,
      texts: texts.filter((text) => text !== ''),
      signal,
    })

  async function checkInput(
    request: ChatCompletionRequest,
    target: BackendTarget,
    guardrail: GuardrailTarget,
    context: ChatCallContext,
  ): Promise<void> {
    const texts = inputTexts(request).filter((text) => text !== '')
    if (texts.length === 0) return
    const verdict = await check(guardrail, target, 'INPUT', texts, context.signal)
    if (!verdict.intervened) return
    guardrail.onIntervention('input')
    throw blockedInput(verdict.message)
  }

  async function complete(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
  ): Promise<ChatCompletion> {
    const guardrail = target.guardrail
    if (guardrail === undefined) return inner.complete(request, target, context)
    await checkInput(request, target, guardrail, context)
    const completion = await inner.complete(request, target, context)
    const texts = completion.choices.map((choice) => choice.message.content ?? '')
    if (texts.every((text) => text === '')) return completion
    const verdict = await check(guardrail, target, 'OUTPUT', texts, context.signal)
    if (!verdict.intervened) return completion
    guardrail.onIntervention('output')
    return {
      ...completion,
      choices: completion.choices.map((choice) => ({
        index: choice.index,
        message: {
          role: 'assistant',
          content: verdict.message ?? DEFAULT_BLOCKED_OUTPUT,
          refusal: null,
        },
        finish_reason: 'content_filter',
        logprobs: null,
      })),
    }
  }

  // Without a guardrail the inner stream is handed over as it is: wrapping it in a generator would
  // hide its push side (streaming/push-stream.ts) and cost a promise per chunk.
  function stream(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const guardrail = target.guardrail
    if (guardrail === undefined) return inner.stream(request, target, context)
    return guardedStream(request, target, context, guardrail)
  }

  async function* guardedStream(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
    guardrail: GuardrailTarget,
  ): AsyncGenerator<ChatCompletionChunk> {
    // Before the first chunk: a block here is still an HTTP 400.
    await checkInput(request, target, guardrail, context)
    let held: ChatCompletionChunk[] = []
    let heldText = ''
    let previousTail = ''
    // An object, not a `let`: it is set inside verdictOnHeld and read by the loop.
    const state = { blocked: false }

    async function verdictOnHeld(): Promise<ChatCompletionChunk[]> {
      const chunks = held
      const text = heldText
      held = []
      heldText = ''
      if (text === '') return chunks
      const verdict = await check(
        guardrail,
        target,
        'OUTPUT',
        [previousTail + text],
        context.signal,
      )
      previousTail = text.slice(-OVERLAP_CHARS)
      if (!verdict.intervened) return chunks
      state.blocked = true
      guardrail.onIntervention('output')
      const template = chunks[0]
      if (template === undefined) return []
      return [
        {
          ...template,
          choices: [
            {
              index: 0,
              delta: { content: verdict.message ?? DEFAULT_BLOCKED_OUTPUT },
              finish_reason: 'content_filter',
            },
          ],
          usage: null,
        },
      ]
    }

    for await (const chunk of inner.stream(request, target, context)) {
      const isUsage = chunk.choices.length === 0 && chunk.usage != null
      if (state.blocked && !isUsage) continue
      if (isUsage) {
        yield* await verdictOnHeld()
        yield chunk
        continue
      }
      held.push(chunk)
      heldText += chunkText(chunk)
      const finished = chunk.choices.some((choice) => choice.finish_reason !== null)
      if (heldText.length >= windowChars || finished) yield* await verdictOnHeld()
    }
    if (!state.blocked) yield* await verdictOnHeld()
  }

  return {
    ...(inner.droppedParameters ? { droppedParameters: inner.droppedParameters.bind(inner) } : {}),
    complete,
    stream,
  }
}
