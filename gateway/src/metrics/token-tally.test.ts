import { Counter, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { RecordLabels } from '../observe/record-labels.ts'
import type { TokenUsage } from '../observe/token-usage.ts'
import { tokenTally } from './token-tally.ts'

const labels: RecordLabels = {
  project: 'team-a/support',
  route: 'team-a/claude',
  model: 'claude',
  backend: 'converse',
  operation: 'chat',
}
const usage = (input: number, output: number): TokenUsage => ({
  input,
  output,
  cachedInput: 0,
  cacheCreationInput: 0,
  reasoning: 0,
})

function counted() {
  const registry = new Registry()
  const tally = tokenTally()
  new Counter({
    name: 'tokens_total',
    help: 'tokens',
    labelNames: ['project', 'route', 'model', 'backend', 'operation', 'token_type'] as const,
    registers: [registry],
    collect() {
      tally.flush(this)
    },
  })
  const scrape = async () => {
    const [metric] = await registry.getMetricsAsJSON()
    return (metric?.values ?? []).map((sample): Record<string, string | number> => ({
      ...(sample.labels as Record<string, string>),
      value: sample.value,
    }))
  }
  return { tally, scrape }
}

describe('token tally', () => {
  it('hands the sums of every type, zeros included, to the counter on a scrape', async () => {
    const { tally, scrape } = counted()
    tally.add(labels, usage(10, 3))
    tally.add({ ...labels }, usage(5, 2))
    const samples = await scrape()
    expect(samples).toHaveLength(5)
    expect(samples).toContainEqual({ ...labels, token_type: 'input', value: 15 })
    expect(samples).toContainEqual({ ...labels, token_type: 'output', value: 5 })
    expect(samples).toContainEqual({ ...labels, token_type: 'reasoning', value: 0 })
  })

  it('counts each request once, however many scrapes come between', async () => {
    const { tally, scrape } = counted()
    tally.add(labels, usage(10, 3))
    await scrape()
    await scrape()
    tally.add(labels, usage(1, 1))
    expect(await scrape()).toContainEqual({ ...labels, token_type: 'input', value: 11 })
  })

  it('keeps apart label sets that would join to the same text', async () => {
    const { tally, scrape } = counted()
    tally.add({ ...labels, project: 'a', route: 'bc' }, usage(1, 0))
    tally.add({ ...labels, project: 'ab', route: 'c' }, usage(2, 0))
    const inputs = (await scrape()).filter((sample) => sample.token_type === 'input')
    expect(inputs).toContainEqual(expect.objectContaining({ project: 'a', route: 'bc', value: 1 }))
    expect(inputs).toContainEqual(expect.objectContaining({ project: 'ab', route: 'c', value: 2 }))
  })
})
