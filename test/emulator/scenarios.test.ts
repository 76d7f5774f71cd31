import { describe, expect, it } from 'vitest'
import { ScenarioQueue, scriptEntrySchema, type ScriptEntryInput } from './scenarios.ts'

function queueOf(...entries: ScriptEntryInput[]): ScenarioQueue {
  const queue = new ScenarioQueue()
  for (const entry of entries) queue.add(scriptEntrySchema.parse(entry))
  return queue
}

describe('ScenarioQueue', () => {
  it('hands out entries first in, first out, each as many times as asked', () => {
    const queue = queueOf(
      { times: 2, scenario: { reply: { text: 'a' } } },
      { scenario: { reply: { text: 'b' } } },
    )
    const next = () => queue.take({ operation: 'converse', modelId: 'm' })?.reply?.text
    expect([next(), next(), next(), next()]).toEqual(['a', 'a', 'b', undefined])
  })

  it.each([
    { name: 'model id', match: { modelId: 'x' }, request: { operation: 'converse', modelId: 'x' } },
    {
      name: 'operation',
      match: { operation: 'converse-stream' as const },
      request: { operation: 'converse-stream' },
    },
  ])('skips entries whose $name does not match', ({ match, request }) => {
    const queue = queueOf(
      { match, scenario: { reply: { text: 'matched' } } },
      { scenario: { reply: { text: 'any' } } },
    )
    expect(queue.take({ operation: 'converse', modelId: 'other' })?.reply?.text).toBe('any')
    expect(queue.take(request)?.reply?.text).toBe('matched')
    expect(queue.pending()).toEqual([])
  })
})

describe('scriptEntrySchema', () => {
  it('accepts httpError faults and the operations of every surface', () => {
    for (const operation of ['mantle-chat', 'create-project', 'tag-resource', 'invoke-model']) {
      const entry = {
        match: { operation },
        scenario: { fault: { kind: 'httpError', status: 429, type: 'ThrottlingException' } },
      }
      expect(scriptEntrySchema.safeParse(entry).success).toBe(true)
    }
  })

  it.each([
    { name: 'an unknown field', entry: { scenario: { replay: {} } } },
    {
      name: 'an unknown exception',
      entry: { scenario: { fault: { kind: 'error', exception: 'Nope' } } },
    },
    {
      name: 'a PascalCase mid-stream exception',
      entry: {
        scenario: {
          fault: { kind: 'midStreamException', afterEvents: 1, exception: 'ThrottlingException' },
        },
      },
    },
    { name: 'zero times', entry: { times: 0, scenario: {} } },
    { name: 'an unknown operation', entry: { match: { operation: 'nope' }, scenario: {} } },
    {
      name: 'an httpError below 400',
      entry: { scenario: { fault: { kind: 'httpError', status: 302 } } },
    },
    {
      name: 'redacted reasoning that is not base64',
      entry: { scenario: { reply: { reasoning: { redacted: '***' } } } },
    },
  ])('rejects $name', ({ entry }) => {
    expect(scriptEntrySchema.safeParse(entry).success).toBe(false)
  })
})
