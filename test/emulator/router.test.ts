import { describe, expect, it } from 'vitest'
import { Router, type Route } from './router.ts'

function route(method: string, pattern: string): Route {
  return { method, pattern, operation: pattern, handle: () => Promise.resolve() }
}

describe('Router', () => {
  const router = new Router().add(
    route('POST', '/model/{modelId}/converse'),
    route('POST', '/model/{modelId}/converse-stream'),
    route('GET', '/__emulator/requests'),
  )

  it.each([
    {
      name: 'a plain model id',
      method: 'POST',
      path: '/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/converse',
      pattern: '/model/{modelId}/converse',
      params: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
    },
    {
      name: 'an encoded ARN',
      method: 'POST',
      path: '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabcd1234efgh/converse-stream',
      pattern: '/model/{modelId}/converse-stream',
      params: {
        modelId:
          'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh',
      },
    },
    {
      name: 'a fixed path',
      method: 'GET',
      path: '/__emulator/requests',
      pattern: '/__emulator/requests',
      params: {},
    },
  ])('matches $name and decodes labels', ({ method, path, pattern, params }) => {
    const found = router.match(method, path)
    expect(found?.route.pattern).toBe(pattern)
    expect(found?.params).toEqual(params)
  })

  it.each([
    { name: 'wrong method', method: 'GET', path: '/model/m/converse' },
    { name: 'an unencoded slash in the label', method: 'POST', path: '/model/a/b/converse' },
    { name: 'an empty label', method: 'POST', path: '/model//converse' },
    { name: 'malformed percent-encoding', method: 'POST', path: '/model/%E0%A4%A/converse' },
    { name: 'an unknown path', method: 'POST', path: '/model/m/invoke' },
  ])('rejects $name', ({ method, path }) => {
    expect(router.match(method, path)).toBeUndefined()
  })
})
