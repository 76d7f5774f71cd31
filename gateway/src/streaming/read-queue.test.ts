// The read queue runs in a later turn, in the order things were queued; what is queued while it
// runs waits for the next turn; a turn stops once its budget is spent and the rest goes on next.
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { oldestReadWaitMs, queueReads, TURN_BUDGET_MS } from './read-queue.ts'

describe('queueReads', () => {
  it('runs in a later turn, in the order queued', async () => {
    const ran: number[] = []
    for (const index of [1, 2, 3]) queueReads(() => ran.push(index))
    expect(ran).toEqual([])
    await nextTurn()
    expect(ran).toEqual([1, 2, 3])
  })

  it('leaves what is queued while it runs for the next turn', async () => {
    const ran: string[] = []
    queueReads(() => {
      ran.push('first')
      queueReads(() => ran.push('queued while running'))
    })
    await nextTurn()
    expect(ran).toEqual(['first'])
    await nextTurn()
    expect(ran).toEqual(['first', 'queued while running'])
  })

  it('stops a turn once its budget is spent, and goes on in the next', async () => {
    const ran: number[] = []
    const busy = (index: number) => () => {
      const until = performance.now() + TURN_BUDGET_MS * 0.75
      while (performance.now() < until);
      ran.push(index)
    }
    for (const index of [1, 2, 3, 4]) queueReads(busy(index))
    await nextTurn()
    // Two tasks at most spend the budget; the others wait for later turns.
    expect(ran.length).toBeGreaterThanOrEqual(1)
    expect(ran.length).toBeLessThanOrEqual(2)
    while (ran.length < 4) await nextTurn()
    expect(ran).toEqual([1, 2, 3, 4])
  })

  it('tells how long the oldest waiting read has waited', async () => {
    expect(oldestReadWaitMs()).toBe(0)
    queueReads(() => undefined)
    queueReads(() => undefined)
    const queued = performance.now()
    expect(oldestReadWaitMs(queued + 40)).toBeGreaterThanOrEqual(40)
    await nextTurn()
    expect(oldestReadWaitMs(queued + 40)).toBe(0)
  })
})
