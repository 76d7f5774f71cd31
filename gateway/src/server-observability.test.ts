import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from './app-logger.ts'
import { estimateCostUsd } from './observe/cost.ts'
import { parseServerConfig } from './config.ts'
import { observability } from './server-observability.ts'

const routes = ['--routes', 'routes.json']
let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'strata-observability-'))
})

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('observability flags', () => {
  it('logs access lines by default, without content, at the built-in prices', () => {
    const config = parseServerConfig(routes, {})
    expect(config).toMatchObject({ accessLog: true, logContent: false })
    expect(config.priceTableFile).toBeUndefined()
  })

  it('reads --no-access-log, --log-content and --price-table, or their env', () => {
    expect(
      parseServerConfig(
        [...routes, '--no-access-log', '--log-content', '--price-table', 'p.json'],
        {},
      ),
    ).toMatchObject({ accessLog: false, logContent: true, priceTableFile: 'p.json' })
    expect(
      parseServerConfig(routes, {
        STRATA_ACCESS_LOG: 'false',
        STRATA_LOG_CONTENT: 'true',
        STRATA_PRICE_TABLE: 'q.json',
      }),
    ).toMatchObject({ accessLog: false, logContent: true, priceTableFile: 'q.json' })
  })

  it('wires the access log, the content capture only with --log-content, and none when off', async () => {
    const on = await observability({ accessLog: true, logContent: false }, silentLogger)
    expect(on.listeners).toHaveLength(1)
    expect(on.contentCapture).toBeUndefined()
    const content = await observability({ accessLog: true, logContent: true }, silentLogger)
    expect(content.contentCapture).toBeDefined()
    const off = await observability({ accessLog: false, logContent: true }, silentLogger)
    expect(off.listeners).toHaveLength(0)
    expect(off.contentCapture).toBeUndefined()
  })

  it('adds a price table file to the defaults, and refuses a bad one', async () => {
    const good = join(directory, 'good.json')
    await writeFile(
      good,
      JSON.stringify({ models: [{ match: 'acme.model', input: 1, output: 2 }] }),
    )
    const { prices } = await observability(
      { accessLog: true, logContent: false, priceTableFile: good },
      silentLogger,
    )
    const usage = { input: 1e6, output: 0, cachedInput: 0, cacheCreationInput: 0, reasoning: 0 }
    expect(estimateCostUsd(usage, 'acme.model-v1', prices)).toBe(1)
    expect(estimateCostUsd(usage, 'amazon.nova-lite-v1:0', prices)).toBeCloseTo(0.06)
    const bad = join(directory, 'bad.json')
    await writeFile(bad, JSON.stringify({ models: [{ match: 'acme', input: 'cheap' }] }))
    await expect(
      observability({ accessLog: true, logContent: false, priceTableFile: bad }, silentLogger),
    ).rejects.toThrow(/bad\.json/)
  })
})
