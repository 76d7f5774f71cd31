// The text of an answer, read back from what the gateway sent: a Chat Completion, a Response, or
// the SSE stream of either. Pure and lenient: it serves the access log of --log-content, where a
// shape it does not know gives no text rather than an error.

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** The request parts that carry the prompt: chat `messages`, responses `instructions` + `input`, embeddings `input`. */
export function promptOf(body: unknown): unknown {
  if (!isObject(body)) return undefined
  const { messages, instructions, input } = body
  const parts = Object.fromEntries(
    Object.entries({ messages, instructions, input }).filter(([, value]) => value !== undefined),
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
  return ''
}

/** The text of an SSE answer: chat content deltas or Responses output text deltas, in order. */
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
