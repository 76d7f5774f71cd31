import { routeSchema, type Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'
import { applyRoutePolicy } from './route-policy.ts'

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'claude',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
})

const route = (extra: Partial<Route> = {}): Route =>
  routeSchema.parse({
    name: 'claude',
    namespace: 'team-a',
    model: 'claude',
    backends: [{ kind: 'converse', modelId: 'm', region: 'us-east-1' }],
    ...extra,
  })

describe('route policy', () => {
  it('leaves a request alone when the route has no policy', () => {
    expect(applyRoutePolicy(request({ temperature: 1.5 }), route())).toEqual(
      request({ temperature: 1.5 }),
    )
  })

  it('fills defaults the client left out, and only those', () => {
    const policy = route({ defaults: { temperature: 0.2, reasoningEffort: 'low' } })
    expect(applyRoutePolicy(request(), policy)).toMatchObject({
      temperature: 0.2,
      reasoning_effort: 'low',
    })
    expect(
      applyRoutePolicy(request({ temperature: 0, reasoning_effort: 'high' }), policy),
    ).toMatchObject({
      temperature: 0,
      reasoning_effort: 'high',
    })
  })

  it('caps output tokens, and sets the cap when the client asked for none', () => {
    const policy = route({ limits: { maxOutputTokens: 1000 } })
    expect(applyRoutePolicy(request(), policy).max_completion_tokens).toBe(1000)
    expect(
      applyRoutePolicy(request({ max_completion_tokens: 5000 }), policy).max_completion_tokens,
    ).toBe(1000)
    expect(
      applyRoutePolicy(request({ max_completion_tokens: 10 }), policy).max_completion_tokens,
    ).toBe(10)
    const legacy = applyRoutePolicy(request({ max_tokens: 4000 }), policy)
    expect(legacy).toMatchObject({ max_tokens: 1000 })
    expect(legacy.max_completion_tokens).toBeUndefined()
  })
})
