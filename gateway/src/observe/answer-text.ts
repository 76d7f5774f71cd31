// The text of an answer, read back from what the gateway sent: a Chat Completion, a Response, an
// Anthropic Message, or the SSE stream of any of them. Pure and lenient: it serves the access log of --log-content, where a
// shape it does not know gives no text rather than an error.

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/**
 * The request parts that carry the prompt: chat `messages`, responses `instructions` + `input`,
 * embeddings `input`, Anthropic `system` + `messages`.
 */
export function promptOf(body: unknown): unknown {
  if (!isObject(body)) return undefined
  const { messages, instructions, input, system } = body
  const parts = Object.fromEntries(
    Object.entries({ system, messages, instructions, input }).filter(
      ([, value]) => value !== undefined,
    ),
  )
  return Object.keys(parts).length === 0 ? undefined : parts
}

// A Response's output: message items hold output_text parts.
function responseText(response: Json): string {
  let text = ''
  for (const item of asArray(response['output'])) {
    if (!isObject(item)) continue
    for (const part of asArray(item['content'])) {
      if (isObject(part) && part['type'] === 'output_text' && typeof part['text'] === 'string')
        text += part['text']
    }
  }
  return text
}

/** The text of a JSON answer: a chat completion's first choice, or a Response's output text. */
export function jsonAnswerText(body: unknown): string | undefined {
  if (!isObject(body)) return undefined
  if (body['object'] === 'chat.completion') {
    const choice = asArray(body['choices'])[0]
    const message = isObject(choice) ? choice['message'] : undefined
    return isObject(message) && typeof message['content'] === 'string'
      ? message['content']
      : undefined
  }
  if (body['object'] === 'response') return responseText(body)
  if (body['type'] === 'message') {
    const texts = asArray(body['content']).flatMap((block) =>
      isObject(block) && block['type'] === 'text' && typeof block['text'] === 'string'
        ? [block['text']]
        : [],
    )
    return texts.length === 0 ? undefined : texts.join('')
  }
  return undefined
}

function eventText(event: Json): string {
  if (event['object'] === 'chat.completion.chunk') {
    const choice = asArray(event['choices'])[0]
    const delta = isObject(choice) ? choice['delta'] : undefined
    return isObject(delta) && typeof delta['content'] === 'string' ? delta['content'] : ''
  }
  if (event['type'] === 'response.output_text.delta' && typeof event['delta'] === 'string')
    return event['delta']
  const delta = event['delta']
  if (event['type'] === 'content_block_delta' && isObject(delta) && delta['type'] === 'text_delta')
    return typeof delta['text'] === 'string' ? delta['text'] : ''
  return ''
}

/** The text of an SSE answer: chat content, Responses output text or Anthropic text deltas, in order. */
export function sseAnswerText(sse: string): string | undefined {
  let text: string | undefined
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data:')) continue
    const data = line.slice(5).trim()
    if (data === '' || data === '[DONE]') continue
    let event: unknown
    try {
      event = JSON.parse(data)
    } catch {
      continue
    }
    if (isObject(event)) text = (text ?? '') + eventText(event)
  }
  return text === '' ? undefined : text
}
