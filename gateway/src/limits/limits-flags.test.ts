// The gateway flags of token governance, parsed by server.ts.
import { describe, expect, it } from 'vitest'
import { parseServerConfig } from '../config.ts'

describe('limits flags', () => {
  it('reads the Redis URL and the replicas hint from env, flags winning', () => {
    const env = { STRATA_REDIS_URL: 'redis://redis.strata.svc:6379', STRATA_REPLICAS_HINT: '3' }
    expect(parseServerConfig(['--routes', 'r.json'], env)).toMatchObject({
      redisUrl: 'redis://redis.strata.svc:6379',
      replicasHint: 3,
    })
    expect(
      parseServerConfig(
        [
          '--routes',
          'r.json',
          '--redis-url',
          'rediss://user:pw@cache:6380/2',
          '--replicas-hint',
          '5',
        ],
        env,
      ),
    ).toMatchObject({ redisUrl: 'rediss://user:pw@cache:6380/2', replicasHint: 5 })
  })

  it('leaves both unset by default: limits per replica, shares from the heartbeat count', () => {
    const config = parseServerConfig(['--routes', 'r.json'], {})
    expect(config.redisUrl).toBeUndefined()
    expect(config.replicasHint).toBeUndefined()
  })

  it('waits 250 ms for Redis by default, or what --redis-timeout-ms says, never 0', () => {
    expect(parseServerConfig(['--routes', 'r.json'], {}).redisTimeoutMs).toBe(250)
    expect(
      parseServerConfig(['--routes', 'r.json'], { STRATA_REDIS_TIMEOUT_MS: '1000' }).redisTimeoutMs,
    ).toBe(1_000)
    expect(
      parseServerConfig(['--routes', 'r.json', '--redis-timeout-ms', '5000'], {}).redisTimeoutMs,
    ).toBe(5_000)
    expect(() => parseServerConfig(['--routes', 'r.json', '--redis-timeout-ms', '0'], {})).toThrow(
      /redis-timeout-ms/,
    )
  })

  it('reads the Service whose ready endpoints share each limit, and refuses it with a hint too', () => {
    expect(
      parseServerConfig(['--routes', 'r.json'], {
        STRATA_REPLICAS_SERVICE: 'strata/strata-gateway',
      }),
    ).toMatchObject({ replicasService: 'strata/strata-gateway' })
    expect(() =>
      parseServerConfig(['--routes', 'r.json', '--replicas-service', 'strata-gateway'], {}),
    ).toThrow(/--replicas-service .*must be NAMESPACE\/NAME/)
    expect(() =>
      parseServerConfig(
        [
          '--routes',
          'r.json',
          '--replicas-service',
          'strata/strata-gateway',
          '--replicas-hint',
          '3',
        ],
        {},
      ),
    ).toThrow(/give one/)
  })

  it('refuses a URL that is not redis and a hint that is not a positive integer', () => {
    expect(() =>
      parseServerConfig(['--routes', 'r.json', '--redis-url', 'http://cache:6379'], {}),
    ).toThrow(/redisUrl/)
    expect(() => parseServerConfig(['--routes', 'r.json', '--replicas-hint', '0'], {})).toThrow(
      /replicasHint/,
    )
  })
})
