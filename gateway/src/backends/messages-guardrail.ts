// Guardrails on the Messages API, checked with ApplyGuardrail around the Claude call, the way
// mantle-guardrail.ts guards Mantle: the input before the call (a block is a 400 and Claude is
// never called; an input the guardrail only masked goes to Claude masked), the answer after it.
// InvokeModel's own guardrail headers would replace Claude's content with Bedrock's shapes;
// ApplyGuardrail leaves the pass-through untouched when nothing is blocked.
//
// Streams are checked in windows of text (Bedrock's "sync" mode): events are held until their text
// reaches `windowChars` or a block or the message ends, and go out only once the window passed,
// each check seeing the tail of the previous window. On an intervention the held events are
// dropped, the blocks the client already saw are closed, one text block with the guardrail's
// message follows, and the rest of Claude's stream is drained unseen except its message_delta
// (with stop_reason `refusal`, and the usage Bedrock bills) and message_stop.
// Reference: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html
import type { BackendTarget } from './backend-target.ts'
import type { MessagesBackend, MessagesInvoke } from './messages-backend.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import type { GuardrailClient } from '../upstream/guardrail-client.ts'
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'
import {
  guardrailChecks,
  OutputWindows,
  type GuardrailChecks,
} from '../guardrails/apply-guardrail-checks.ts'

export interface MessagesGuardrailOptions {
  client: GuardrailClient
  /** Characters of answer per ApplyGuardrail check on a stream. */
  windowChars?: number
}

const DEFAULT_BLOCKED_OUTPUT = 'The answer was blocked by a content guardrail.'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return []
  return content.flatMap((block) =>
    isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string'
      ? [block['text']]
      : [],
  )
}

/** The texts a guardrail judges as input: the system prompt and what the user wrote. */
export function messagesInputTexts(body: Record<string, unknown>): string[] {
  const turns = Array.isArray(body['messages']) ? body['messages'] : []
  const user = turns.flatMap((turn) =>
    isRecord(turn) && turn['role'] === 'user' ? textsOf(turn['content']) : [],
  )
  return [...textsOf(body['system']), ...user].filter((text) => text !== '')
}

/**
 * Puts `texts` back, in order, in place of the non-empty texts of each content it is given (a
 * string, or text blocks): one count across every call, as textsOf lists texts across the system
 * prompt and the turns. A text missing from `texts` goes empty: unmasked text never goes on.
 */
function textsPutBack(texts: readonly string[]): <C>(content: C) => C {
  let next = 0
  const take = (original: string): string => {
    if (original === '') return original
    const text = texts[next] ?? ''
    next += 1
    return text
  }
  const put = (content: unknown): unknown => {
    if (typeof content === 'string') return take(content)
    if (!Array.isArray(content)) return content
    return content.map((block: unknown) =>
      isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string'
        ? { ...block, text: take(block['text']) }
        : block,
    )
  }
  // Only text values change: the content keeps its shape.
  return <C>(content: C) => put(content) as C
}

/**
 * The body with the texts messagesInputTexts lists replaced by `texts`, in the same order (the
 * system prompt, then the user turns; empty texts are not listed): how a question the guardrail
 * masked rather than blocked goes to Claude.
 */
export function withMessagesInputTexts(
  body: Record<string, unknown>,
  texts: readonly string[],
): Record<string, unknown> {
  const masked = textsPutBack(texts)
  const out: Record<string, unknown> = { ...body }
  if (body['system'] !== undefined) out['system'] = masked(body['system'])
  if (Array.isArray(body['messages']))
    out['messages'] = body['messages'].map((turn: unknown) =>
      isRecord(turn) && turn['role'] === 'user'
        ? { ...turn, content: masked(turn['content']) }
        : turn,
    )
  return out
}

/** The call Claude gets: as sent, or with its input masked by the guardrail. */
async function checkedInput(
  checks: GuardrailChecks,
  request: MessagesInvoke,
  signal: AbortSignal,
): Promise<MessagesInvoke> {
  const masked = await checks.input(messagesInputTexts(request.body), signal)
  return masked === undefined
    ? request
    : { ...request, body: withMessagesInputTexts(request.body, masked) }
}

function deltaText(event: MessagesStreamEvent): string {
  const delta = event['delta']
  if (event.type !== 'content_block_delta' || !isRecord(delta)) return ''
  return delta['type'] === 'text_delta' && typeof delta['text'] === 'string' ? delta['text'] : ''
}

/**
 * A window's events with their text replaced by the guardrail's masked text: the first text delta
 * carries all of it and the window's other text deltas go (a window never spans two blocks).
 */
export function withMaskedDeltas(
  events: readonly MessagesStreamEvent[],
  masked: string,
): MessagesStreamEvent[] {
  let placed = false
  return events.flatMap((event) => {
    if (deltaText(event) === '') return [event]
    if (placed) return []
    placed = true
    const delta = isRecord(event['delta']) ? event['delta'] : {}
    return [{ ...event, delta: { ...delta, text: masked } }]
  })
}

// After an intervention only the message's end reaches the client, as a refusal with its usage.
function refusalEnd(event: MessagesStreamEvent): MessagesStreamEvent[] {
  if (event.type === 'message_stop') return [event]
  if (event.type !== 'message_delta') return []
  const delta = isRecord(event['delta']) ? event['delta'] : {}
  return [{ ...event, delta: { ...delta, stop_reason: 'refusal' } }]
}

// Where a window ends: a block or the message is complete.
const closesWindow = new Set(['content_block_stop', 'message_delta', 'message_stop'])

export function withMessagesGuardrail(
  inner: MessagesBackend,
  options: MessagesGuardrailOptions,
): MessagesBackend {
  const windowChars = options.windowChars ?? 1000
  const checksFor = (guardrail: GuardrailTarget, target: BackendTarget) =>
    guardrailChecks(options.client, guardrail, target.region)

  return {
    countTokens: inner.countTokens.bind(inner),
    async create(request, target, context) {
      const guardrail = target.guardrail
      if (guardrail === undefined) return inner.create(request, target, context)
      const checks = checksFor(guardrail, target)
      const sent = await checkedInput(checks, request, context.signal)
      const message = await inner.create(sent, target, context)
      const texts = textsOf(message.content).filter((text) => text !== '')
      if (texts.length === 0) return message
      const verdict = await checks.output(texts, context.signal)
      if (!verdict.intervened) return message
      const masked = verdict.masked
      // One masked text per non-empty text block, in order; the answer is otherwise Claude's.
      if (masked !== undefined)
        return { ...message, content: textsPutBack(masked)(message.content) }
      return {
        ...message,
        content: [{ type: 'text', text: verdict.message ?? DEFAULT_BLOCKED_OUTPUT }],
        stop_reason: 'refusal',
      }
    },
    // Without a guardrail the inner stream is handed over as it is: wrapping it in a generator
    // would hide its push side (streaming/push-stream.ts) and cost a promise per event.
    stream(request, target, context) {
      const guardrail = target.guardrail
      if (guardrail === undefined) return inner.stream(request, target, context)
      return guardedStream(request, target, context, guardrail)
    },
  }

  async function* guardedStream(
    request: MessagesInvoke,
    target: BackendTarget,
    context: Parameters<MessagesBackend['stream']>[2],
    guardrail: GuardrailTarget,
  ): AsyncGenerator<MessagesStreamEvent> {
    // Before the first event: a block here is still an HTTP 400.
    const checks = checksFor(guardrail, target)
    const checked = await checkedInput(checks, request, context.signal)
    const windows = new OutputWindows<MessagesStreamEvent>(checks, windowChars, context.signal)
    const started = new Set<unknown>()
    const stopped = new Set<unknown>()

    const sent = (events: MessagesStreamEvent[]): MessagesStreamEvent[] => {
      for (const event of events) {
        if (event.type === 'content_block_start') started.add(event['index'])
        if (event.type === 'content_block_stop') stopped.add(event['index'])
      }
      return events
    }

    async function verdictOnHeld(): Promise<MessagesStreamEvent[]> {
      const { items: events, blocked, masked } = await windows.release()
      if (masked !== undefined) return sent(withMaskedDeltas(events, masked))
      if (blocked === undefined) return sent(events)
      // The client saw message_start if anything was sent; otherwise it must come first.
      const start = started.size === 0 ? events.filter((e) => e.type === 'message_start') : []
      const closing = [...started]
        .filter((index) => !stopped.has(index))
        .map((index) => ({ type: 'content_block_stop', index }))
      const index = started.size
      // A window that closed on the message's end still owes the client its end.
      const ending = events.flatMap((event) => refusalEnd(event))
      return sent([
        ...start,
        ...closing,
        { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: blocked.message ?? DEFAULT_BLOCKED_OUTPUT },
        },
        { type: 'content_block_stop', index },
        ...ending,
      ])
    }

    for await (const event of inner.stream(checked, target, context)) {
      if (windows.blocked) {
        yield* refusalEnd(event)
        continue
      }
      windows.hold(event, deltaText(event))
      if (windows.full || closesWindow.has(event.type)) yield* await verdictOnHeld()
    }
    if (!windows.blocked) yield* await verdictOnHeld()
  }
}
