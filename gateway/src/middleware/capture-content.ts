// With --log-content only: keeps the prompt and the answer text of each API request for the
// access log (observe/content-capture.ts). A JSON answer is read from a clone; a stream is read
// as it passes to the client, and its text is complete when the client has it all or goes away.
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { jsonAnswerText, promptOf, sseAnswerText } from '../observe/answer-text.ts'
import { truncate, type CapturedContent, type ContentCapture } from '../observe/content-capture.ts'

// Enough SSE to hold a long answer's deltas; past it the text is cut like any other.
const maxStreamBytes = 1024 * 1024

/** The body again, byte for byte, calling `done` with what passed once it ends or is cancelled. */
function observedBody(
  body: ReadableStream<Uint8Array>,
  done: (text: string) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const finish = (): void => {
    done(text + decoder.decode())
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read()
        if (next.done) {
          controller.close()
          finish()
          return
        }
        if (text.length < maxStreamBytes) text += decoder.decode(next.value, { stream: true })
        controller.enqueue(next.value)
      } catch (error) {
        finish()
        controller.error(error)
      }
    },
    async cancel(reason) {
      await reader.cancel(reason)
      finish()
    },
  })
}

export function captureContent(capture: ContentCapture): MiddlewareHandler<GatewayEnv> {
  const cut = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : truncate(text, capture.maxChars)
  return async function captureRequestContent(c, next) {
    await next()
    const prompt = promptOf(c.get('body'))
    const request = cut(prompt === undefined ? undefined : JSON.stringify(prompt))
    const response = c.res
    const record = c.get('record').record
    const body = response.body
    if (response.headers.get('content-type')?.startsWith('text/event-stream') === true && body) {
      let resolveContent: (content: CapturedContent) => void = () => undefined
      capture.put(
        record,
        new Promise((resolve) => {
          resolveContent = resolve
        }),
      )
      const observed = observedBody(body, (sse) => {
        resolveContent({ request, answer: cut(sseAnswerText(sse)) })
      })
      c.res = new Response(observed, { status: response.status, headers: response.headers })
      return
    }
    let answer: string | undefined
    // Embeddings carry no text, and parsing their vectors back would cost for nothing.
    const mayHoldText = record.operation !== 'embeddings' && response.status < 400
    if (mayHoldText && response.headers.get('content-type')?.includes('json') === true) {
      answer = cut(
        jsonAnswerText(
          await response
            .clone()
            .json()
            .catch(() => undefined),
        ),
      )
    }
    capture.put(record, Promise.resolve({ request, answer }))
  }
}
