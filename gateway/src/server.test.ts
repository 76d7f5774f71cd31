import { describe, expect, it } from 'vitest'
import { parseServerConfig, shutdownDelayOf } from './server.ts'

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
