import { describe, expect, it } from 'vitest'
import { createJsonLogger } from './app-logger.ts'
import { batchFlushChars, batchedLines } from './batched-lines.ts'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('batched log lines', () => {
  it('writes the lines of one event-loop turn at once, in order', async () => {
    const writes: string[] = []
    const out = batchedLines((text) => writes.push(text))
    const logger = createJsonLogger(out.write, () => 0)
    logger.info('one')
    logger.warn('two', { n: 2 })
    expect(writes).toEqual([])
    await nextTurn()
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
    await nextTurn()
    expect(writes).toEqual(['a\n'])
    out.write('b\n')
    await nextTurn()
    expect(writes).toEqual(['a\n', 'b\n'])
  })

  it('writes at once when the pending lines grow large', () => {
    const writes: string[] = []
    const out = batchedLines(
      (text) => writes.push(text),
      () => undefined,
    )
    const line = `${'x'.repeat(1023)}\n`
    for (let i = 0; i < batchFlushChars / line.length; i++) out.write(line)
    expect(writes.join('')).toBe(line.repeat(batchFlushChars / line.length))
    out.write('tail\n')
    expect(writes.join('')).not.toContain('tail')
  })
})

describe('the JSON log line', () => {
  it('is the fields after time, level and message, which a field of the same name replaces', () => {
    const lines: string[] = []
    const logger = createJsonLogger(
      (line) => lines.push(line),
      () => Date.parse('2026-05-01T12:00:00.5Z'),
    )
    logger.info('plain')
    logger.warn('with "quotes"', { a: 1, skipped: undefined, nested: { b: [true] } })
    logger.error('empty', {})
    logger.info('renamed', { message: 'other', level: undefined })
    expect(lines).toEqual([
      '{"time":"2026-05-01T12:00:00.500Z","level":"info","message":"plain"}\n',
      '{"time":"2026-05-01T12:00:00.500Z","level":"warn","message":"with \\"quotes\\"","a":1,"nested":{"b":[true]}}\n',
      '{"time":"2026-05-01T12:00:00.500Z","level":"error","message":"empty"}\n',
      '{"time":"2026-05-01T12:00:00.500Z","message":"other"}\n',
    ])
  })
})
