// Journeys where something goes wrong: Bedrock errors, a stream that breaks half-way, a client
// that hangs up, and client mistakes the gateway answers itself. Each must reach the `openai`
// client as the error class a real OpenAI failure of that kind would raise.
import OpenAI, { APIError } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/kube.ts'
import { DEMO_KEY, startJourney, type Journey } from '../support/journey.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('failures')
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const hello: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
  model: 'claude',
  messages: [{ role: 'user', content: 'Hello' }],
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('the call succeeded')
}

// Bedrock's exception → the status the gateway answers → the class the openai client raises
// (gateway/src/errors/bedrock-errors.ts has the reasons). The client has no class for 408.
const bedrockErrors = [
  ['ValidationException', 400, OpenAI.BadRequestError],
  ['AccessDeniedException', 403, OpenAI.PermissionDeniedError],
  ['ResourceNotFoundException', 404, OpenAI.NotFoundError],
  ['ThrottlingException', 429, OpenAI.RateLimitError],
  ['ModelNotReadyException', 429, OpenAI.RateLimitError],
  ['ServiceQuotaExceededException', 429, OpenAI.RateLimitError],
  ['ModelTimeoutException', 408, APIError],
  ['ModelErrorException', 502, OpenAI.InternalServerError],
  ['InternalServerException', 500, OpenAI.InternalServerError],
  ['ServiceUnavailableException', 503, OpenAI.InternalServerError],
] as const

describe('Bedrock errors', () => {
  it.each(bedrockErrors)('%s becomes HTTP %i', async (exception, status, errorClass) => {
    await journey.bedrock.script({ scenario: { fault: { kind: 'error', exception } } })
    const error = await failure(journey.openai.chat.completions.create(hello))
    expect(error).toBeInstanceOf(errorClass)
    expect((error as APIError).status).toBe(status)
    expect((error as APIError).error).toMatchObject({
      message: expect.any(String) as unknown,
      type: expect.any(String) as unknown,
    })
  })

  // One taxonomy: the same Bedrock failure behind Mantle gets the answer it gets on Converse.
  it.each(bedrockErrors)('%s from Mantle is HTTP %i too', async (exception, status, errorClass) => {
    await journey.bedrock.script({ scenario: { fault: { kind: 'error', exception } } })
    const error = await failure(
      journey.openai.chat.completions.create({ ...hello, model: 'gpt-oss' }),
    )
    expect(error).toBeInstanceOf(errorClass)
    expect((error as APIError).status).toBe(status)
    if (exception === 'ModelErrorException') expect((error as APIError).code).toBe('model_error')
  })

  it.each(bedrockErrors)(
    '%s before the first chunk of a stream is still HTTP %i',
    async (exception, status) => {
      await journey.bedrock.script({ scenario: { fault: { kind: 'error', exception } } })
      const error = await failure(
        journey.openai.chat.completions.create({ ...hello, stream: true }),
      )
      expect((error as APIError).status).toBe(status)
    },
  )

  it('a mid-stream exception makes stream iteration throw, not end cleanly', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'This answer will not be finished because the model fails.' },
        chunkSize: 5,
        fault: {
          kind: 'midStreamException',
          afterEvents: 4,
          exception: 'modelStreamErrorException',
        },
      },
    })
    const stream = await journey.openai.chat.completions.create({ ...hello, stream: true })
    const received: string[] = []
    const error = await failure(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '')
      })(),
    )
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).error).toMatchObject({ type: expect.any(String) as unknown })
    expect(received.length).toBeGreaterThan(0)
  })
})

describe('a client that hangs up', () => {
  it('cancels the Bedrock stream it was reading', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'word '.repeat(200) }, chunkSize: 5, tokenDelayMs: 50 },
    })
    const stream = await journey.openai.chat.completions.create({ ...hello, stream: true })
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break
    }
    // Leaving the loop early aborts the HTTP request, as a closed browser tab would.
    const [request] = await eventually('the emulator to see the abort', async () => {
      const requests = await journey.bedrock.requests()
      return requests.some((recorded) => recorded.aborted === true) ? requests : undefined
    })
    expect(request).toMatchObject({ operation: 'converse-stream', aborted: true })
  })

  it('cancels a Bedrock call that has not answered yet', async () => {
    await journey.bedrock.script({ scenario: { fault: { kind: 'hang' } } })
    const controller = new AbortController()
    const call = journey.openai.chat.completions.create(hello, { signal: controller.signal })
    await eventually('the emulator to receive the call', async () =>
      (await journey.bedrock.requests()).length > 0 ? true : undefined,
    )
    controller.abort()
    expect(await failure(call)).toBeInstanceOf(OpenAI.APIUserAbortError)
    await eventually('the emulator to see the abort', async () =>
      (await journey.bedrock.requests()).some((recorded) => recorded.aborted === true)
        ? true
        : undefined,
    )
  })
})

describe('client mistakes', () => {
  it('a bad key gets 401', async () => {
    const stranger = new OpenAI({
      baseURL: `${journey.gateway.url}/v1`,
      apiKey: 'sk-not-a-key',
      maxRetries: 0,
    })
    const error = await failure(stranger.chat.completions.create(hello))
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as APIError).code).toBe('invalid_api_key')
  })

  it('an unknown model gets 404 model_not_found', async () => {
    const error = await failure(
      journey.openai.chat.completions.create({ ...hello, model: 'gpt-9' }),
    )
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as APIError).code).toBe('model_not_found')
    expect((error as APIError).message).toContain('The model `gpt-9` does not exist')
  })

  it('malformed JSON gets 400 in OpenAI shape', async () => {
    const response = await fetch(`${journey.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json' },
      body: '{"model": "claude", "messages": [',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: null },
    })
  })

  it('an oversized body gets 413 in OpenAI shape', async () => {
    const huge = JSON.stringify({
      ...hello,
      messages: [{ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }],
    })
    const response = await fetch(`${journey.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json' },
      body: huge,
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'request_too_large' },
    })
  })

  it('an oversized chunked body (no Content-Length) gets 413 too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 24) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const response = await fetch(`${journey.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'request_too_large' },
    })
  })

  it('an unknown parameter gets 400 naming it', async () => {
    const error = await failure(
      journey.openai.chat.completions.create({
        ...hello,
        frobnicate: true,
      } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming),
    )
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as APIError).param).toBe('frobnicate')
  })
})
