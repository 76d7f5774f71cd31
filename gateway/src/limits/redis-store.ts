// Counters in Redis, shared by every gateway replica: one round trip per admission and one per
// settlement, each an atomic script (redis-scripts.ts). It also keeps a heartbeat set of replicas,
// whose size is the divisor of the per-replica shares used when Redis goes away.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { KEY_PREFIX, type Check } from './limit-plan.ts'
import type { AdmitResult, CheckState, LimitStore, Settlement } from './limit-store.ts'
import { ADMIT_SCRIPT, HEARTBEAT_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.ts'

export const REPLICAS_KEY = `${KEY_PREFIX}:replicas`

export interface RedisStore extends LimitStore {
  /** Marks this replica alive and returns how many replicas were alive within `windowMs`. */
  heartbeat(replicaId: string, now: number, windowMs: number): Promise<number>
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex')

// EVALSHA sends 40 bytes instead of the script; EVAL once when Redis has not seen it (a restart
// flushes the script cache, which the chaos journey does on purpose).
async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const sha = sha1(script)
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return redis.eval(script, keys.length, ...keys, ...args)
  }
}

function parseAdmitReply(reply: unknown, checks: readonly Check[]): AdmitResult {
  if (!Array.isArray(reply) || reply.length !== 1 + 2 * checks.length)
    throw new Error('unexpected reply from the admit script')
  const states: CheckState[] = checks.map((check, index) => ({
    admitted: Number(reply[1 + 2 * index]) === 1,
    level: Number(reply[2 + 2 * index]),
    limit: check.limit,
  }))
  return { admitted: Number(reply[0]) === 1, states }
}

export function createRedisStore(redis: Redis): RedisStore {
  return {
    async admit(checks, now) {
      if (checks.length === 0) return { admitted: true, states: [] }
      const args = checks.flatMap((check) =>
        check.kind === 'rate' ? ['r', check.limit, check.cost] : ['b', check.limit, 0],
      )
      const reply = await runScript(
        redis,
        ADMIT_SCRIPT,
        checks.map((check) => check.key),
        [now, ...args],
      )
      return parseAdmitReply(reply, checks)
    },
    async settle(settlements: readonly Settlement[], now) {
      const moving = settlements.filter((settlement) => settlement.delta !== 0)
      if (moving.length === 0) return
      const args = moving.flatMap(({ check, delta }) =>
        check.kind === 'rate'
          ? ['r', check.limit, delta, 0]
          : ['b', check.limit, delta, check.ttlMs],
      )
      await runScript(
        redis,
        SETTLE_SCRIPT,
        moving.map(({ check }) => check.key),
        [now, ...args],
      )
    },
    async heartbeat(replicaId, now, windowMs) {
      const reply = await runScript(
        redis,
        HEARTBEAT_SCRIPT,
        [REPLICAS_KEY],
        [now, replicaId, windowMs],
      )
      return Number(reply)
    },
  }
}
