import { describe, expect, it } from 'vitest'
import { splitBetas } from './betas.ts'
import { toInvokeBody } from './request.ts'

const content = [
  { type: 'thinking', thinking: 'Hmm…', signature: 'EqQBCkgIARABGAIiQ' },
  { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDF' },
  { type: 'text', text: 'Look.', citations: [{ type: 'char_location', cited_text: 'x' }] },
  { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } },
]

const request = {
  model: 'claude',
  stream: true,
  max_tokens: 1024,
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
      ],
    },
    { role: 'assistant', content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] },
  ],
  tools: [{ name: 'read', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  metadata: { user_id: 'u' },
}

describe('toInvokeBody', () => {
  it("keeps every field and block as sent, in Bedrock's envelope", () => {
    const { body, dropped } = toInvokeBody(request, { accepted: [], dropped: [] })
    const rest: Record<string, unknown> = { ...request }
    delete rest['model']
    delete rest['stream']
    delete rest['metadata']
    expect(body).toEqual({ anthropic_version: 'bedrock-2023-05-31', ...rest })
    // Byte-faithful once serialised: thinking signatures and cache prefixes depend on it.
    expect(JSON.stringify(body['messages'])).toBe(JSON.stringify(request.messages))
    expect(dropped).toEqual(['metadata'])
  })

  it('puts accepted betas in anthropic_beta and announces the others', () => {
    const betas = splitBetas(
      ' interleaved-thinking-2025-05-14, claude-code-20250219,,context-1m-2025-08-07',
    )
    const { body, dropped } = toInvokeBody({ model: 'm', messages: [] }, betas)
    expect(body['anthropic_beta']).toEqual([
      'interleaved-thinking-2025-05-14',
      'context-1m-2025-08-07',
    ])
    expect(dropped).toEqual(['anthropic-beta: claude-code-20250219'])
  })

  it('never lets the client set the Bedrock envelope', () => {
    const { body } = toInvokeBody(
      { model: 'm', messages: [], anthropic_version: 'x', anthropic_beta: ['y'] },
      splitBetas(undefined),
    )
    expect(body).toEqual({ anthropic_version: 'bedrock-2023-05-31', messages: [] })
  })
})
