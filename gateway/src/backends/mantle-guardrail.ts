// Guardrails on Mantle routes. Mantle's OpenAI API takes no guardrail, so the gateway checks with
// ApplyGuardrail: the input before the call (a block is a 400 content_filter and the model is never
// called; an input the guardrail only masked goes to the model masked), the answer after it.
//
// Streams: the answer is checked in windows of `windowChars` characters, and a window's chunks
// reach the client only once it passed (Bedrock's own "sync" stream mode). Checking only the
// whole answer at the end would either hold back the entire stream (no streaming) or let blocked
// text through before the verdict; windows bound both the delay (about one ApplyGuardrail round
// trip per window) and the cost (about one text unit of 1,000 characters per window). Each check
// also sees the tail of the previous window, so a blocked phrase split across windows is caught
// (the checks and windows are shared with the Messages wrapper: guardrails/apply-guardrail-checks.ts).
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
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'
import {
  guardrailChecks,
  OutputWindows,
  type GuardrailChecks,
} from '../guardrails/apply-guardrail-checks.ts'

export interface MantleGuardrailOptions {
  client: GuardrailClient
  /** Characters of answer per ApplyGuardrail check on a stream. */
  windowChars?: number
}

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

/**
 * The request with the texts inputTexts lists replaced by `texts`, in the same order: how a
 * question the guardrail masked (rather than blocked) goes to the model.
 */
export function withInputTexts(
  request: ChatCompletionRequest,
  texts: readonly string[],
): ChatCompletionRequest {
  let next = 0
  const take = (original: string): string => {
    const text = texts[next] ?? original
    next += 1
    return text
  }
  const masked = <P extends { type: string }>(content: string | P[]): string | P[] =>
    typeof content === 'string'
      ? take(content)
      : content.map((part) =>
          part.type === 'text' && 'text' in part && typeof part.text === 'string'
            ? { ...part, text: take(part.text) }
            : part,
        )
  return {
    ...request,
    messages: request.messages.map((message) => {
      if (message.role === 'user') return { ...message, content: masked(message.content) }
      if (message.role === 'system') return { ...message, content: masked(message.content) }
      if (message.role === 'developer') return { ...message, content: masked(message.content) }
      return message
    }),
  }
}

/** The request the model gets: as sent, or with its input masked by the guardrail. */
async function checkedInput(
  checks: GuardrailChecks,
  request: ChatCompletionRequest,
  signal: AbortSignal,
): Promise<ChatCompletionRequest> {
  const masked = await checks.input(inputTexts(request), signal)
  return masked === undefined ? request : withInputTexts(request, masked)
}

const chunkText = (chunk: ChatCompletionChunk): string =>
  chunk.choices.map((choice) => choice.delta.content ?? '').join('')

/**
 * A window's chunks with their text replaced by the guardrail's masked text: the first chunk with
 * text carries all of it, the others lose their text (and go when nothing else is left in them).
 */
export function withMaskedText(
  chunks: readonly ChatCompletionChunk[],
  masked: string,
): ChatCompletionChunk[] {
  let placed = false
  return chunks.flatMap((chunk) => {
    if (chunkText(chunk) === '') return [chunk]
    const content = placed ? undefined : masked
    placed = true
    const choices = chunk.choices.map((choice) => {
      const delta = Object.fromEntries(
        Object.entries(choice.delta).filter(([key]) => key !== 'content'),
      )
      return { ...choice, delta: content === undefined ? delta : { ...delta, content } }
    })
    const empty = choices.every(
      (choice) => Object.keys(choice.delta).length === 0 && choice.finish_reason === null,
    )
    return empty && chunk.usage == null ? [] : [{ ...chunk, choices }]
  })
}

export function withApplyGuardrail(
  inner: ChatBackend,
  options: MantleGuardrailOptions,
): ChatBackend {
  const { client } = options
  const windowChars = options.windowChars ?? 1000
  const checksFor = (guardrail: GuardrailTarget, target: BackendTarget) =>
    guardrailChecks(client, guardrail, target.region)

  async function complete(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
  ): Promise<ChatCompletion> {
    const guardrail = target.guardrail
    if (guardrail === undefined) return inner.complete(request, target, context)
    const checks = checksFor(guardrail, target)
    const sent = await checkedInput(checks, request, context.signal)
    const completion = await inner.complete(sent, target, context)
    const texts = completion.choices.map((choice) => choice.message.content ?? '')
    if (texts.every((text) => text === '')) return completion
    const verdict = await checks.output(texts, context.signal)
    if (!verdict.intervened) return completion
    const masked = verdict.masked
    if (masked !== undefined)
      return {
        ...completion,
        choices: completion.choices.map((choice, index) =>
          choice.message.content == null
            ? choice
            : { ...choice, message: { ...choice.message, content: masked[index] ?? '' } },
        ),
      }
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
    const checks = checksFor(guardrail, target)
    const sent = await checkedInput(checks, request, context.signal)
    const windows = new OutputWindows<ChatCompletionChunk>(checks, windowChars, context.signal)

    async function verdictOnHeld(): Promise<ChatCompletionChunk[]> {
      const { items: chunks, blocked, masked } = await windows.release()
      if (masked !== undefined) return withMaskedText(chunks, masked)
      if (blocked === undefined) return chunks
      const template = chunks[0]
      if (template === undefined) return []
      return [
        {
          ...template,
          choices: [
            {
              index: 0,
              delta: { content: blocked.message ?? DEFAULT_BLOCKED_OUTPUT },
              finish_reason: 'content_filter',
            },
          ],
          usage: null,
        },
      ]
    }

    for await (const chunk of inner.stream(sent, target, context)) {
      const isUsage = chunk.choices.length === 0 && chunk.usage != null
      if (windows.blocked && !isUsage) continue
      if (isUsage) {
        yield* await verdictOnHeld()
        yield chunk
        continue
      }
      windows.hold(chunk, chunkText(chunk))
      const finished = chunk.choices.some((choice) => choice.finish_reason !== null)
      if (windows.full || finished) yield* await verdictOnHeld()
    }
    if (!windows.blocked) yield* await verdictOnHeld()
  }

  return {
    ...(inner.droppedParameters ? { droppedParameters: inner.droppedParameters.bind(inner) } : {}),
    complete,
    stream,
  }
}
