import type { Route, RouteBackend } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'
import type { ResponsesRequest } from '../openai/responses.ts'
import { dispatchChat, dispatchResponses } from './dispatch-request.ts'

const backend = (kind: RouteBackend['kind'], modelId: string): RouteBackend => ({
  kind,
  modelId,
  region: 'us-east-1',
  weight: 1,
  priority: 0,
})
const claude45 = backend('converse', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')
const llama = backend('converse', 'meta.llama3-70b-instruct-v1:0')
const gptOssMantle = backend('mantle', 'openai.gpt-oss-120b')
const gpt54 = backend('mantle', 'openai.gpt-5.4')

const route = (overrides: Partial<Route> = {}): Route => ({
  name: 'r',
  namespace: 'default',
  model: 'm',
  backends: [claude45],
  ...overrides,
})

const chat = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
})

function dispatch(
  request: ChatCompletionRequest,
  choice: RouteBackend,
  routeOverrides: Partial<Route> = {},
  prepared: ChatCompletionRequest = request,
) {
  return dispatchChat({
    parsed: request,
    prepared,
    route: route(routeOverrides),
    choice,
    backendDropped: [],
  })
}

describe('dispatchChat', () => {
  it("maps OpenAI's minimal to Mantle's vocabulary", () => {
    const { request, dropped } = dispatch(chat({ reasoning_effort: 'minimal' }), gpt54)
    expect(request.reasoning_effort).toBe('low')
    expect(dropped).toEqual([])
  })

  it('maps none to the lowest level gpt-oss has', () => {
    expect(
      dispatch(chat({ reasoning_effort: 'none' }), gptOssMantle).request.reasoning_effort,
    ).toBe('low')
  })

  it('drops an effort the family cannot honour and names it, or refuses it on a strict route', () => {
    const { request, dropped } = dispatch(chat({ reasoning_effort: 'high' }), llama)
    expect(request).not.toHaveProperty('reasoning_effort')
    expect(dropped).toEqual(['reasoning_effort'])
    expect(() => dispatch(chat({ reasoning_effort: 'high' }), llama, { strict: true })).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'reasoning_effort',
        code: 'unsupported_parameter',
      }),
    )
  })

  it('drops a route default the family cannot honour without blaming the client', () => {
    const parsed = chat()
    const { request, dropped } = dispatch(
      parsed,
      llama,
      { strict: true },
      {
        ...parsed,
        reasoning_effort: 'medium',
      },
    )
    expect(request).not.toHaveProperty('reasoning_effort')
    expect(dropped).toEqual([])
  })

  it("holds reasoning to the route's share of max tokens", () => {
    const request = chat({ reasoning_effort: 'high', max_completion_tokens: 10_000 })
    expect(dispatch(request, claude45).request.reasoning_effort).toBe('low')
    expect(
      dispatch(request, claude45, { limits: { maxReasoningPercent: 90 } }).request.reasoning_effort,
    ).toBe('medium')
  })

  it('sizes max_completion_tokens for a thinking budget when the client gave none', () => {
    const { request } = dispatch(chat({ reasoning_effort: 'medium' }), claude45)
    expect(request).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 16_384 })
  })

  it('drops a thinking budget that cannot fit, or refuses it on a strict route', () => {
    const small = chat({ reasoning_effort: 'low', max_completion_tokens: 1500 })
    expect(dispatch(small, claude45)).toEqual({
      request: { ...small, reasoning_effort: undefined },
      dropped: ['reasoning_effort'],
    })
    expect(() => dispatch(small, claude45, { strict: true })).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'max_completion_tokens',
        code: 'invalid_value',
        message: expect.stringContaining('at least 2048') as string,
      }),
    )
  })

  it('refuses on a strict route what the backend itself would drop', () => {
    expect(() =>
      dispatchChat({
        parsed: chat({ seed: 1 }),
        prepared: chat({ seed: 1 }),
        route: route({ strict: true }),
        choice: claude45,
        backendDropped: ['seed'],
      }),
    ).toThrow(expect.objectContaining({ param: 'seed', code: 'unsupported_parameter' }))
  })
})

describe('dispatchResponses', () => {
  const responses = (extra: Partial<ResponsesRequest> = {}): ResponsesRequest => ({
    model: 'm',
    input: 'Hi',
    ...extra,
  })

  it('normalises reasoning.effort and names it when dropped', () => {
    const mapped = dispatchResponses({
      parsed: responses({ reasoning: { effort: 'minimal' } }),
      prepared: responses({ reasoning: { effort: 'minimal' } }),
      route: route(),
      choice: gpt54,
    })
    expect(mapped.request.reasoning).toEqual({ effort: 'low' })
    const dropped = dispatchResponses({
      parsed: responses({ reasoning: { effort: 'high' } }),
      prepared: responses({ reasoning: { effort: 'high' } }),
      route: route(),
      choice: llama,
    })
    expect(dropped.request).not.toHaveProperty('reasoning')
    expect(dropped.dropped).toEqual(['reasoning.effort'])
  })

  it('keeps reasoning.summary when the effort is dropped', () => {
    const request = responses({ reasoning: { effort: 'high', summary: 'auto' } })
    const input = { parsed: request, prepared: request, route: route() }
    expect(dispatchResponses({ ...input, choice: llama }).request.reasoning).toEqual({
      summary: 'auto',
    })
    expect(dispatchResponses({ ...input, choice: claude45 }).request.reasoning).toMatchObject({
      summary: 'auto',
      effort: 'high',
    })
  })

  it('names the Responses parameters Converse ignores, and none of them on Mantle', () => {
    const request = responses({
      prompt_cache_key: 'k',
      truncation: 'auto',
      include: ['reasoning.encrypted_content'],
      stream_options: { include_obfuscation: true },
      service_tier: 'default',
      safety_identifier: 's',
      max_tool_calls: 3,
    })
    const input = { parsed: request, prepared: request, route: route() }
    expect(dispatchResponses({ ...input, choice: claude45 }).dropped).toEqual([
      'prompt_cache_key',
      'truncation',
      'stream_options.include_obfuscation',
      'include',
    ])
    expect(dispatchResponses({ ...input, choice: gpt54 }).dropped).toEqual([])
    const plain = responses({ truncation: 'disabled', include: [] })
    expect(
      dispatchResponses({ parsed: plain, prepared: plain, route: route(), choice: claude45 })
        .dropped,
    ).toEqual([])
  })

  it('names image detail, which Converse ignores, and refuses it on a strict route', () => {
    const request = responses({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_image', image_url: 'data:image/png;base64,AA==', detail: 'high' },
          ],
        },
      ],
    })
    const input = { parsed: request, prepared: request, route: route(), choice: claude45 }
    expect(dispatchResponses(input).dropped).toEqual(['input[].content[].detail'])
    expect(dispatchResponses({ ...input, choice: gpt54 }).dropped).toEqual([])
    expect(() => dispatchResponses({ ...input, route: route({ strict: true }) })).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter' }),
    )
  })
})
