import type { Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { splitBetas } from '../translators/anthropic-to-invoke/betas.ts'
import {
  applyMessagesPolicy,
  checkAnthropicVersion,
  checkVersionRules,
  prepareMessagesCall,
  servesMessages,
} from './messages-call.ts'

const backend = (modelId: string, kind: 'converse' | 'mantle' = 'converse') =>
  ({
    kind,
    modelId,
    region: 'us-east-1',
    name: modelId,
    weight: 1,
    priority: 0,
  }) as Route['backends'][number]

const route = (extra: Partial<Route> = {}): Route => ({
  name: 'r',
  namespace: 'n',
  model: 'claude',
  backends: [],
  strict: false,
  ...extra,
})

describe('the Messages API pipeline', () => {
  it('requires a known anthropic-version', () => {
    expect(checkAnthropicVersion(' 2023-06-01 ')).toBe('2023-06-01')
    expect(checkAnthropicVersion('2026-10-21')).toBe('2026-10-21')
    expect(() => checkAnthropicVersion(undefined)).toThrow('anthropic-version: header is required')
    expect(() => checkAnthropicVersion('2099-01-01')).toThrow(/invalid version '2099-01-01'/)
  })

  it('refuses sampling parameters from 2026-10-21 on', () => {
    expect(() => checkVersionRules({ top_k: 5 }, '2026-10-21')).toThrow(
      /top_k: this parameter was removed/,
    )
    expect(() => checkVersionRules({ top_k: 5 }, '2023-06-01')).not.toThrow()
  })

  it('refuses documents in assistant turns and citations on user text from 2026-10-21 on', () => {
    const documentReplay = {
      messages: [
        { role: 'user', content: 'Summarise.' },
        { role: 'assistant', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] },
      ],
    }
    expect(() => checkVersionRules(documentReplay, '2026-10-21')).toThrow(
      'messages.1.content.0: document blocks are not allowed in assistant messages in anthropic-version 2026-10-21',
    )
    const citedUserText = {
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'As quoted', citations: [{ type: 'char_location' }] }],
        },
      ],
    }
    expect(() => checkVersionRules(citedUserText, '2026-10-21')).toThrow(
      'messages.0.content.0: citations are not allowed on text blocks in user messages',
    )
    // Empty citations, assistant citations and the older version pass.
    const allowed = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi', citations: [] }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi', citations: [{ type: 'x' }] }] },
      ],
    }
    expect(() => checkVersionRules(allowed, '2026-10-21')).not.toThrow()
    expect(() => checkVersionRules(documentReplay, '2023-06-01')).not.toThrow()
    expect(() => checkVersionRules(citedUserText, '2023-06-01')).not.toThrow()
  })

  it('serves Claude on converse backends only', () => {
    expect(servesMessages(backend('us.anthropic.claude-sonnet-4-6'))).toBe(true)
    expect(servesMessages(backend('anthropic.claude-haiku-4-5-20251001-v1:0'))).toBe(true)
    expect(servesMessages(backend('amazon.nova-lite-v1:0'))).toBe(false)
    expect(servesMessages(backend('anthropic.claude-sonnet-4-6', 'mantle'))).toBe(false)
  })

  it("applies the route's cap, and its default temperature only where the API has one", () => {
    const capped = route({
      limits: { maxOutputTokens: 100 },
      defaults: { temperature: 0.3 },
    })
    expect(applyMessagesPolicy({ max_tokens: 500 }, capped, '2023-06-01')).toEqual({
      max_tokens: 100,
      temperature: 0.3,
    })
    expect(applyMessagesPolicy({ max_tokens: 50 }, capped, '2026-10-21')).toEqual({
      max_tokens: 50,
    })
    const thinking = { max_tokens: 50, thinking: { type: 'enabled' } }
    expect(applyMessagesPolicy(thinking, capped, '2023-06-01')).toEqual(thinking)
  })

  it('announces what it drops, and refuses it on a strict route', () => {
    const request = { model: 'claude', messages: [], metadata: { user_id: 'u' } }
    const betas = splitBetas('claude-code-20250219')
    expect(prepareMessagesCall(request, route(), betas).dropped).toEqual([
      'metadata',
      'anthropic-beta: claude-code-20250219',
    ])
    expect(() => prepareMessagesCall(request, route({ strict: true }), betas)).toThrow(
      /Unsupported parameter: 'metadata'/,
    )
  })
})
