import { describe, expect, it } from 'vitest'
import { parseServerConfig, shutdownDelayOf, usageText } from './config.ts'

describe('server configuration', () => {
  it('needs a routing table and defaults the rest', () => {
    const config = parseServerConfig(['--routes', 'routes.json'], {})
    expect(config).toMatchObject({
      routesFile: 'routes.json',
      port: 8080,
      host: '127.0.0.1',
      drainTimeoutMs: 25_000,
      maxInFlight: 1024,
      fetchImageUrls: false,
      keepAliveMs: 15_000,
    })
  })

  it('reads env, and flags win over env', () => {
    const env = {
      STRATA_ROUTES_FILE: '/etc/strata/routes.json',
      STRATA_LISTEN_PORT: '9000',
      STRATA_LISTEN_HOST: '0.0.0.0',
      STRATA_FETCH_IMAGE_URLS: 'true',
      STRATA_KEEP_ALIVE_MS: '5000',
    }
    expect(parseServerConfig([], env)).toMatchObject({
      routesFile: '/etc/strata/routes.json',
      port: 9000,
      host: '0.0.0.0',
      fetchImageUrls: true,
      keepAliveMs: 5000,
    })
    expect(
      parseServerConfig(['--port', '0', '--drain-timeout', '100', '--keep-alive-ms', '50'], env),
    ).toMatchObject({
      port: 0,
      drainTimeoutMs: 100,
      keepAliveMs: 50,
    })
  })

  it('names what is wrong, with the usage', () => {
    expect(() => parseServerConfig([], {})).toThrow(
      /routing table is required[\s\S]*usage: strata-gateway/,
    )
    expect(() => parseServerConfig(['--routes', 'r.json', '--port', 'http'], {})).toThrow(/port/)
    expect(() => parseServerConfig(['--routes', 'r.json', '--port', '70000'], {})).toThrow(/port/)
    expect(() => parseServerConfig(['--rutes', 'r.json'], {})).toThrow(/rutes/)
    expect(() => parseServerConfig(['--routes', 'r.json', '--keep-alive-ms', '0'], {})).toThrow(
      /keepAliveMs/,
    )
  })

  it('names a bad number by its flag and variable, from a flag or from env', () => {
    expect(() => parseServerConfig(['--routes', 'r.json', '--max-in-flight', 'many'], {})).toThrow(
      '--max-in-flight (maxInFlight, env STRATA_MAX_IN_FLIGHT): must be a whole number',
    )
    expect(() => parseServerConfig(['--routes', 'r.json'], { STRATA_REPLICAS_HINT: '0' })).toThrow(
      '--replicas-hint (replicasHint, env STRATA_REPLICAS_HINT): must be at least 1',
    )
    expect(() => parseServerConfig(['--routes', 'r.json'], { STRATA_LISTEN_PORT: '' })).toThrow(
      /--port .*must be a whole number/,
    )
    expect(() => parseServerConfig(['--routes', 'r.json', '--drain-timeout', '1.5'], {})).toThrow(
      /--drain-timeout .*must be a whole number/,
    )
  })

  it('reads toggles from env against their default', () => {
    const base = ['--routes', 'r.json']
    expect(parseServerConfig(base, {})).toMatchObject({ accessLog: true, logContent: false })
    expect(
      parseServerConfig(base, { STRATA_ACCESS_LOG: 'false', STRATA_LOG_CONTENT: 'true' }),
    ).toMatchObject({ accessLog: false, logContent: true })
    expect(parseServerConfig([...base, '--no-access-log'], {})).toMatchObject({ accessLog: false })
  })

  it('has a usage line for every flag, with its variable', () => {
    const usage = usageText()
    for (const [flag, env] of [
      ['--routes FILE', 'STRATA_ROUTES_FILE'],
      ['--redis-url URL', 'STRATA_REDIS_URL'],
      ['--service-account-auth', 'STRATA_SERVICE_ACCOUNT_AUTH'],
      ['--replicas-hint N', 'STRATA_REPLICAS_HINT'],
      ['--replicas-service NS/NAME', 'STRATA_REPLICAS_SERVICE'],
    ]) {
      expect(usage).toContain(flag)
      expect(usage).toContain(env)
    }
    expect(() => parseServerConfig(['--help'], {})).toThrow(usage)
  })

  it('keeps serving after SIGTERM for a delay in-cluster, none by default with a file', () => {
    const delay = (argv: string[]): number => shutdownDelayOf(parseServerConfig(argv, {}))
    expect(delay(['--routes', 'r.json'])).toBe(0)
    expect(delay(['--routes-configmap', 'strata/table'])).toBe(5_000)
    expect(delay(['--routes', 'r.json', '--shutdown-delay-ms', '1500'])).toBe(1_500)
    // The whole stop stays within the drain timeout, delay included.
    expect(
      delay([
        '--routes-configmap',
        'strata/table',
        '--drain-timeout',
        '3000',
        '--shutdown-delay-ms',
        '9000',
      ]),
    ).toBe(3_000)
  })
})
