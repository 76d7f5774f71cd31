// Guardrails on the Messages API, checked with ApplyGuardrail around the Claude call, the way
// mantle-guardrail.ts guards Mantle: the input before the call (a block is a 400 and Claude is
// never called), the answer after it. InvokeModel's own guardrail headers would replace Claude's
// content with Bedrock's shapes; ApplyGuardrail leaves the pass-through untouched when nothing is
// blocked.
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
import { blockedInput, type GuardrailTarget } from '../guardrails/guardrail-target.ts'

export interface MessagesGuardrailOptions {
  client: GuardrailClient
  /** Characters of answer per ApplyGuardrail check on a stream. */
  windowChars?: number
}

const OVERLAP_CHARS = 64
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

function deltaText(event: MessagesStreamEvent): string {
  const delta = event['delta']
  if (event.type !== 'content_block_delta' || !isRecord(delta)) return ''
  return delta['type'] === 'text_delta' && typeof delta['text'] === 'string' ? delta['text'] : ''
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
  const check = (
    guardrail: GuardrailTarget,
    target: BackendTarget,
    source: 'INPUT' | 'OUTPUT',
    texts: string[],
    signal: AbortSignal,
  ) =>
    options.client.apply({
      identifier: guardrail.identifier,
      version: guardrail.version,
      region: target.region,
      source,
      texts,
      signal,
    })

  async function checkInput(
    request: MessagesInvoke,
    target: BackendTarget,
    guardrail: GuardrailTarget,
    signal: AbortSignal,
  ): Promise<void> {
    const texts = messagesInputTexts(request.body)
    if (texts.length === 0) return
    const verdict = await check(guardrail, target, 'INPUT', texts, signal)
    if (!verdict.intervened) return
    guardrail.onIntervention('input')
    throw blockedInput(verdict.message)
  }

  return {
    countTokens: inner.countTokens.bind(inner),
    async create(request, target, context) {
      const guardrail = target.guardrail
      if (guardrail === undefined) return inner.create(request, target, context)
      await checkInput(request, target, guardrail, context.signal)
      const message = await inner.create(request, target, context)
      const texts = textsOf(message.content).filter((text) => text !== '')
      if (texts.length === 0) return message
      const verdict = await check(guardrail, target, 'OUTPUT', texts, context.signal)
      if (!verdict.intervened) return message
      guardrail.onIntervention('output')
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
    await checkInput(request, target, guardrail, context.signal)
    let held: MessagesStreamEvent[] = []
    let heldText = ''
    let previousTail = ''
    const started = new Set<unknown>()
    const stopped = new Set<unknown>()
    const state = { blocked: false }

    const sent = (events: MessagesStreamEvent[]): MessagesStreamEvent[] => {
      for (const event of events) {
        if (event.type === 'content_block_start') started.add(event['index'])
        if (event.type === 'content_block_stop') stopped.add(event['index'])
      }
      return events
    }

    async function verdictOnHeld(): Promise<MessagesStreamEvent[]> {
      const events = held
      const text = heldText
      held = []
      heldText = ''
      if (text === '') return sent(events)
      const verdict = await check(
        guardrail,
        target,
        'OUTPUT',
        [previousTail + text],
        context.signal,
      )
      previousTail = text.slice(-OVERLAP_CHARS)
      if (!verdict.intervened) return sent(events)
      state.blocked = true
      guardrail.onIntervention('output')
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
          delta: { type: 'text_delta', text: verdict.message ?? DEFAULT_BLOCKED_OUTPUT },
        },
        { type: 'content_block_stop', index },
        ...ending,
      ])
    }

    for await (const event of inner.stream(request, target, context)) {
      if (state.blocked) {
        yield* refusalEnd(event)
        continue
      }
      held.push(event)
      heldText += deltaText(event)
      if (heldText.length >= windowChars || closesWindow.has(event.type))
        yield* await verdictOnHeld()
    }
    if (!state.blocked) yield* await verdictOnHeld()
  }
}
