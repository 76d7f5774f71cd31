import { describe, expect, it } from 'vitest'
import { converseToolUseId } from './tool-use-id.ts'

const bedrockPattern = /^[a-zA-Z0-9_-]{1,64}$/

describe('converseToolUseId', () => {
  it('keeps ids Bedrock accepts', () => {
    expect(converseToolUseId('call_abc-123')).toBe('call_abc-123')
    expect(converseToolUseId('x'.repeat(64))).toBe('x'.repeat(64))
  })

  it.each(['functions.get_weather:0', 'call 1', 'x'.repeat(65), '', 'ünï'])(
    'rewrites %j to an id Bedrock accepts, the same every time',
    (id) => {
      const rewritten = converseToolUseId(id)
      expect(rewritten).toMatch(bedrockPattern)
      expect(converseToolUseId(id)).toBe(rewritten)
    },
  )

  it('keeps ids apart that differ only in replaced characters', () => {
    expect(converseToolUseId('a.b')).not.toBe(converseToolUseId('a:b'))
  })
})
