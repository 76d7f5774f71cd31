// isMantleChunk stands in for mantleChunkSchema on every stream chunk: whatever it accepts, the
// schema must accept too, and the chunks Mantle sends must take the fast way.
import { describe, expect, it } from 'vitest'
import { isMantleChunk, mantleChunkSchema } from './shapes.ts'

const chunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'openai.gpt-oss-120b',
  choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
}

const candidates: unknown[] = [
  chunk,
  { ...chunk, usage: null },
  { ...chunk, usage: { prompt_tokens: 1 } },
  { ...chunk, choices: [], usage: { completion_tokens: 2 } },
  { ...chunk, choices: [{ index: 0, delta: null }] },
  { ...chunk, choices: [{ index: 0 }] },
  { ...chunk, choices: [{ index: 0, delta: { reasoning: 'x' } }], extra: true },
  // Refused by the schema:
  { ...chunk, id: 7 },
  { ...chunk, id: undefined },
  { ...chunk, choices: undefined },
  { ...chunk, choices: {} },
  { ...chunk, choices: [null] },
  { ...chunk, choices: [{ index: -1, delta: {} }] },
  { ...chunk, choices: [{ index: 0.5, delta: {} }] },
  { ...chunk, choices: [{ index: 2 ** 53, delta: {} }] },
  { ...chunk, choices: [{ index: '0', delta: {} }] },
  { ...chunk, choices: [{ index: 0, delta: 'text' }] },
  { ...chunk, choices: [{ index: 0, delta: [] }] },
  { ...chunk, usage: 3 },
  { ...chunk, usage: [] },
  [chunk],
  null,
  'chunk',
]

describe('isMantleChunk', () => {
  it.each(candidates.map((candidate, index) => [index, candidate]))(
    'agrees with mantleChunkSchema on candidate %i',
    (_, candidate) => {
      expect(isMantleChunk(candidate)).toBe(mantleChunkSchema.safeParse(candidate).success)
    },
  )
})
