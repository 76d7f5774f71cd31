// Weighted routing edited live through the routing-table file, against real processes with the
// `openai` client: a 10% → 50% → 100% canary whose observed split stays within binomial
// tolerance, the kill switch (weight 0, no traffic from the next table version on), and sticky
// sessions. Figures go to stdout with a [resilience] prefix; docs/resilience.md quotes them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startJourney, type Journey } from '../support/journey.ts'
import {
  backend,
  callsPerModel,
  CLAUDE_MODEL_ID,
  inParallel,
  NOVA_MODEL_ID,
  publish,
  resilienceTable,
  route,
  withinBinomial,
} from '../support/resilience-journey.ts'

const canaryRoute = (stable: number, canary: number) =>
  route('canary', [
    backend('stable', CLAUDE_MODEL_ID, { weight: stable }),
    backend('canary', NOVA_MODEL_ID, { weight: canary }),
  ])

const stickyRoute = route('sticky', [backend('a', CLAUDE_MODEL_ID), backend('b', NOVA_MODEL_ID)], {
  sticky: { header: 'x-session-id' },
})

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('resilience-canary', {
    table: resilienceTable(1, [canaryRoute(90, 10), stickyRoute]),
  })
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Hi' }] })

async function split(requests: number): Promise<{ stable: number; canary: number }> {
  await journey.bedrock.reset()
  const results = await inParallel(requests, 8, () =>
    journey.openai.chat.completions.create(ask('canary')),
  )
  expect(results.every((result) => result.status === 'fulfilled')).toBe(true)
  const calls = await callsPerModel(journey)
  return { stable: calls.get(CLAUDE_MODEL_ID) ?? 0, canary: calls.get(NOVA_MODEL_ID) ?? 0 }
}

describe('a canary rolled out by editing the routing table', () => {
  it('splits 10% → 50% → 100% within binomial tolerance, and weight 0 takes no traffic', async () => {
    const requests = 400
    const steps: [version: number, stable: number, canary: number][] = [
      [1, 90, 10],
      [2, 50, 50],
      [3, 0, 100],
    ]
    for (const [version, stable, canary] of steps) {
      if (version > 1) await publish(journey, version, [canaryRoute(stable, canary), stickyRoute])
      const observed = await split(requests)
      const share = canary / (stable + canary)
      console.log(
        `[resilience] canary at ${Math.round(share * 100)}% (table v${version}): ${observed.canary}/${requests} to the canary, ${observed.stable} to stable (expected ${requests * share})`,
      )
      expect(observed.stable + observed.canary).toBe(requests)
      if (share === 1) expect(observed.stable).toBe(0)
      else expect(withinBinomial(observed.canary, requests, share)).toBe(true)
    }
  })

  it('the kill switch: a canary set to weight 0 gets nothing from the next version on', async () => {
    await publish(journey, 4, [canaryRoute(50, 50), stickyRoute])
    expect((await split(40)).canary).toBeGreaterThan(0)
    await publish(journey, 5, [canaryRoute(50, 0), stickyRoute])
    const observed = await split(200)
    console.log(`[resilience] kill switch (table v5): ${observed.canary}/200 to the killed backend`)
    expect(observed).toEqual({ stable: 200, canary: 0 })
  })
})

describe('sticky sessions', () => {
  it('keep each conversation on one backend while both backends take conversations', async () => {
    const sessions = 16
    const perSession = 4
    const models = new Map<string, Set<string>>()
    for (let session = 0; session < sessions; session += 1) {
      for (let turn = 0; turn < perSession; turn += 1) {
        await journey.bedrock.reset()
        await journey.openai.chat.completions.create(ask('sticky'), {
          headers: { 'x-session-id': `conversation-${session}` },
        })
        const [request] = await journey.bedrock.requests()
        const seen = models.get(`${session}`) ?? new Set<string>()
        seen.add(request?.modelId ?? 'none')
        models.set(`${session}`, seen)
      }
    }
    const perBackend = new Map<string, number>()
    for (const seen of models.values()) {
      expect(seen.size).toBe(1)
      const [model = ''] = seen
      perBackend.set(model, (perBackend.get(model) ?? 0) + 1)
    }
    console.log(
      `[resilience] sticky: ${sessions} conversations x ${perSession} turns, each on one backend; conversations per backend ${JSON.stringify(Object.fromEntries(perBackend))}`,
    )
    expect([...perBackend.keys()].sort()).toEqual([CLAUDE_MODEL_ID, NOVA_MODEL_ID].sort())
  })
})
