import { describe, expect, it } from 'vitest'
import { ConfigError, parseOperatorConfig, usage } from './config.ts'

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseOperatorConfig(argv, env)

describe('parseOperatorConfig', () => {
  it('gives the defaults when nothing is set', () => {
    expect(parse([])).toEqual({
      namespace: 'strata-system',
      'metrics-port': 8080,
      'leader-elect': true,
      'resync-seconds': 300,
      'key-grace-seconds': 3600,
    })
  })

  it('reads every flag, in both spellings, and a flag wins over its environment variable', () => {
    const config = parse(
      [
        '--kubeconfig',
        '/tmp/kc',
        '--namespace=ops',
        '--gateway-url',
        'http://gw.ops.svc/v1',
        '--metrics-port=0',
        '--resync-seconds',
        '5',
        '--key-grace-seconds=0',
      ],
      { POD_NAMESPACE: 'ignored', STRATA_RESYNC_SECONDS: '7' },
    )
    expect(config).toEqual({
      kubeconfig: '/tmp/kc',
      namespace: 'ops',
      'gateway-url': 'http://gw.ops.svc/v1',
      'metrics-port': 0,
      'leader-elect': true,
      'resync-seconds': 5,
      'key-grace-seconds': 0,
    })
  })

  it('falls back to the environment', () => {
    expect(
      parse([], {
        POD_NAMESPACE: 'ops',
        STRATA_METRICS_PORT: '9090',
        STRATA_LEADER_ELECT: 'false',
        STRATA_KEY_GRACE_SECONDS: '60',
      }),
    ).toMatchObject({
      namespace: 'ops',
      'metrics-port': 9090,
      'leader-elect': false,
      'key-grace-seconds': 60,
    })
  })

  it('turns leader election off the ways Kubernetes components spell it', () => {
    for (const argv of [['--leader-elect=false'], ['--no-leader-elect']])
      expect(parse(argv)).toMatchObject({ 'leader-elect': false })
    for (const argv of [['--leader-elect'], ['--leader-elect=true'], []])
      expect(parse(argv, {})).toMatchObject({ 'leader-elect': true })
    expect(parse(['--leader-elect'], { STRATA_LEADER_ELECT: 'false' })).toMatchObject({
      'leader-elect': true,
    })
    expect(() => parse(['--leader-elect=no'])).toThrow(
      '--leader-elect must be true or false; got "no"',
    )
  })

  it('refuses numbers that are not whole or out of range, naming the flag or env var', () => {
    expect(() => parse(['--resync-seconds', 'abc'])).toThrow(
      '--resync-seconds must be a whole number from 1 to 86400; got "abc"',
    )
    expect(() => parse(['--resync-seconds=0'])).toThrow(
      '--resync-seconds must be at least 1; got "0"',
    )
    expect(() => parse(['--metrics-port', '70000'])).toThrow(
      '--metrics-port must be at most 65535; got "70000"',
    )
    expect(() => parse([], { STRATA_KEY_GRACE_SECONDS: '1.5' })).toThrow(
      'STRATA_KEY_GRACE_SECONDS (--key-grace-seconds) must be a whole number',
    )
    expect(() => parse(['--gateway-url', 'not a url'])).toThrow(/--gateway-url/)
  })

  it('refuses unknown flags and stray arguments with a ConfigError', () => {
    expect(() => parse(['--resync', '5'])).toThrow(ConfigError)
    expect(() => parse(['extra'])).toThrow(ConfigError)
  })

  it('answers help, and the usage names every flag with its env var and default', () => {
    expect(parse(['--help'])).toBe('help')
    const text = usage()
    for (const [flag, env] of [
      ['--kubeconfig FILE', 'STRATA_KUBECONFIG'],
      ['--namespace NS', 'POD_NAMESPACE; default strata-system'],
      ['--gateway-url URL', 'STRATA_GATEWAY_URL'],
      ['--metrics-port N', 'STRATA_METRICS_PORT; default 8080'],
      ['--leader-elect', 'STRATA_LEADER_ELECT; default true'],
      ['--resync-seconds N', 'STRATA_RESYNC_SECONDS; default 300'],
      ['--key-grace-seconds N', 'STRATA_KEY_GRACE_SECONDS; default 3600'],
    ]) {
      expect(text).toContain(flag)
      expect(text).toContain(`env ${env}`)
    }
  })
})
