import { describe, expect, it } from 'vitest'
import { batchedLines, createJsonLogger } from './app-logger.ts'

describe('batched log lines', () => {
  it('writes the lines of one event-loop turn at once, in order', async () => {
    const writes: string[] = []
    const out = batchedLines((text) => writes.push(text))
    const logger = createJsonLogger(out.write, () => 0)
    logger.info('one')
    logger.warn('two', { n: 2 })
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toHaveLength(1)
    expect(
      writes[0]
        ?.split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'info', message: 'one' },
      { time: '1970-01-01T00:00:00.000Z', level: 'warn', message: 'two', n: 2 },
    ])
  })

  it('flushes what is pending on demand, and nothing twice', async () => {
    const writes: string[] = []
    const out = batchedLines((text) => writes.push(text))
    out.write('a\n')
    out.flush()
    expect(writes).toEqual(['a\n'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['a\n'])
  })
})
