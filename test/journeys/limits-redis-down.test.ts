// Redis killed under two live gateway replicas: requests are still served, each replica enforcing
// its share of the limit (limit / replicas seen in the heartbeat set), the degraded gauge says so on
// /metrics, a failClosed route answers 503, and everything returns when Redis is back.
import { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  limitsTable,
  startLimitsWorld,
  type LimitsWorld,
  type Replica,
} from '../support/limits-world.ts'

const SHARED_RPM = 20
const DEGRADED = 'strata_gateway_limits_degraded'

let world: LimitsWorld

beforeAll(async () => {
  world = await startLimitsWorld(
    'limits-chaos',
    limitsTable([
      { model: 'shared', limits: { requestsPerMinute: SHARED_RPM } },
      { model: 'closed', limits: { requestsPerMinute: 1_000, failClosed: true } },
    ]),
  )
  // Replicas announce themselves every 2 s; let each see the other before Redis goes.
  await new Promise((resolve) => setTimeout(resolve, 2_500))
})

afterAll(async () => {
  await world.stop()
})

const hello = [{ role: 'user' as const, content: 'hi' }]

async function outcome(replica: Replica, model: string): Promise<number> {
  try {
    await replica.openai.chat.completions.create({ model, messages: hello })
    return 200
  } catch (error) {
    if (error instanceof APIError) return Number(error.status)
    throw error
  }
}

describe('Redis killed mid-test', () => {
  it('serves under per-replica shares, raises the gauge, fails closed where asked, and recovers', async () => {
    for (const replica of world.replicas) {
      expect(await replica.metric(DEGRADED)).toBe(0)
      expect(await outcome(replica, 'closed')).toBe(200)
    }

    const killedAt = Date.now()
    await world.redis.kill()
    for (const replica of world.replicas)
      await eventually('the degraded gauge goes to 1', async () => {
        return (await replica.metric(DEGRADED)) === 1
      })
    console.log(
      `[limits] Redis killed: degraded gauge 1 on both after ${String(Date.now() - killedAt)} ms`,
    )

    const perReplica = await Promise.all(
      world.replicas.map(async (replica) => {
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => outcome(replica, 'shared')),
        )
        expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([])
        return statuses.filter((status) => status === 200).length
      }),
    )
    console.log(
      `[limits] RPM ${String(SHARED_RPM)} with Redis down: admitted per replica ${perReplica.join(', ')}`,
    )
    for (const admitted of perReplica) {
      expect(admitted).toBeGreaterThanOrEqual(SHARED_RPM / 2)
      expect(admitted).toBeLessThanOrEqual(SHARED_RPM / 2 + 1)
    }

    for (const replica of world.replicas) {
      try {
        await replica.openai.chat.completions.create({ model: 'closed', messages: hello })
        expect.fail('a failClosed route must refuse while Redis is down')
      } catch (error) {
        expect(error).toBeInstanceOf(APIError)
        expect((error as APIError).status).toBe(503)
        expect((error as APIError).error).toMatchObject({ code: 'rate_limiter_unavailable' })
      }
    }

    const restartedAt = Date.now()
    await world.redis.restart()
    for (const replica of world.replicas)
      await eventually('the degraded gauge goes back to 0', async () => {
        return (await replica.metric(DEGRADED)) === 0
      })
    console.log(
      `[limits] Redis back: degraded gauge 0 on both after ${String(Date.now() - restartedAt)} ms`,
    )
    for (const replica of world.replicas) expect(await outcome(replica, 'closed')).toBe(200)
  })
})
