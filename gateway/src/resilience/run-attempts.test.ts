import { routeSchema, type Route, type RouteBackend } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../app-logger.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts'
import { openRecord } from '../observe/request-record.ts'
import { createResilience, type Resilience } from './resilience.ts'
import { RETRY_BUDGET_RESERVE } from './resilience-state.ts'
import { runAttempts, type AttemptsInput } from './run-attempts.ts'

const throttled = (retryAfterSeconds?: number): GatewayError =>
  new GatewayError(429, 'rate_limit_error', 'Slow down.', {
    code: 'rate_limit_exceeded',
    upstream: 'refused',
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  })
const invalid = (): GatewayError =>
  new GatewayError(400, 'invalid_request_error', 'Bad.', { upstream: 'refused' })
const down = (): GatewayError =>
  new GatewayError(503, 'api_error', 'down', { upstream: 'unavailable' })

function chain(extra: Partial<Route> = {}): Route {
  return routeSchema.parse({
    name: 'chat',
    namespace: 'apps',
    model: 'chat',
    backends: [
      { name: 'primary', kind: 'converse', modelId: 'p', region: 'us-east-1' },
      { name: 'secondary', kind: 'mantle', modelId: 's', region: 'us-east-1', priority: 1 },
      { name: 'third', kind: 'converse', modelId: 't', region: 'us-east-1', priority: 2 },
    ],
    ...extra,
  })
}

function setup(): { resilience: Resilience; metrics: ReturnType<typeof createGatewayMetrics> } {
  const metrics = createGatewayMetrics({ processMetrics: false })
  const resilience = createResilience({
    metrics,
    now: () => performance.now(),
    random: () => 0,
    logger: silentLogger,
  })
  return { resilience, metrics }
}

type Behaviour = (backend: RouteBackend, signal: AbortSignal) => Promise<string>

function input(route: Route, behaviour: Behaviour, client = new AbortController()) {
  const open = openRecord(performance.now(), [], () => undefined)
  const calls: string[] = []
  const attempts: AttemptsInput<string> = {
    route,
    open,
    clientSignal: client.signal,
    stickyValue: undefined,
    implemented: () => true,
    api: 'Chat Completions API',
    run: (backend, call) => {
      calls.push(backend.name ?? '?')
      return behaviour(backend, call.signal)
    },
  }
  return { attempts, calls, record: open.record }
}

const failWith =
  (errors: Record<string, () => GatewayError>): Behaviour =>
  (backend) => {
    const error = errors[backend.name ?? '']
    return error === undefined
      ? Promise.resolve(`answer from ${backend.name}`)
      : Promise.reject(error())
  }

describe('runAttempts', () => {
  it("gives a backend's every outcome a series at zero with its first attempt, and counts each attempt once", async () => {
    const { resilience, metrics } = setup()
    const route = chain({ backends: chain().backends.slice(0, 1) })
    await runAttempts(resilience, input(route, failWith({})).attempts)
    const counts = async () =>
      (await metrics.registry.getSingleMetricAsString('strata_gateway_backend_attempts_total'))
        .split('\n')
        .filter((line) => line.startsWith('strata_gateway_backend_attempts_total{'))
    expect(await counts()).toEqual([
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="failure"} 0',
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="client_error"} 0',
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="context_overflow"} 0',
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="malformed_output"} 0',
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="success"} 1',
    ])
    await runAttempts(resilience, input(route, failWith({})).attempts).catch(() => undefined)
    await runAttempts(resilience, input(route, failWith({ primary: invalid })).attempts).catch(
      () => undefined,
    )
    expect(await counts()).toContain(
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="success"} 2',
    )
    expect(await counts()).toContain(
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="client_error"} 1',
    )
    expect(await counts()).toContain(
      'strata_gateway_backend_attempts_total{route="apps/chat",backend_name="primary",outcome="failure"} 0',
    )
  })

  it('falls back down the priority chain on retryable failures and notes attempts', async () => {
    const { resilience } = setup()
    const { attempts, calls, record } = input(
      chain(),
      failWith({ primary: throttled, secondary: down }),
    )
    const served = await runAttempts(resilience, attempts)
    served.finish()
    expect(served.value).toBe('answer from third')
    expect(calls).toEqual(['primary', 'secondary', 'third'])
    expect(record).toMatchObject({ attempts: 3, fallbacks: 2 })
    expect(record.backend?.name).toBe('third')
  })

  it('does not retry a client mistake', async () => {
    const { resilience } = setup()
    const { attempts, calls } = input(chain(), failWith({ primary: invalid }))
    await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({ status: 400 })
    expect(calls).toEqual(['primary'])
  })

  it('stops when the retry budget is spent and answers with the last error', async () => {
    const { resilience } = setup()
    const route = chain({ limits: { retryBudgetPercent: 10 } })
    let served = 0
    let upstream = 0
    const requests = 100
    for (let i = 0; i < requests; i += 1) {
      const { attempts, calls } = input(route, failWith({ primary: throttled }))
      const result = await runAttempts(resilience, attempts).then(
        (ok) => {
          ok.finish()
          return true
        },
        () => false,
      )
      if (result) served += 1
      upstream += calls.length
    }
    // Throttling leaves the primary's circuit closed, so every request asks it first; extra
    // attempts stay within 10% plus the reserve, and those are the requests served.
    expect(upstream).toBeLessThanOrEqual(requests * 1.1 + RETRY_BUDGET_RESERVE)
    expect(served).toBe(upstream - requests)
    expect(served).toBeGreaterThan(0)
  })

  it('skips an open circuit, and fails fast with 503 and Retry-After when all are open', async () => {
    const { resilience, metrics } = setup()
    const route = chain({
      backends: chain().backends.slice(0, 1),
      breaker: { consecutiveFailures: 2, coolDownMs: 5_000 },
    })
    for (let i = 0; i < 2; i += 1) {
      const { attempts } = input(route, failWith({ primary: down }))
      await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({ status: 503 })
    }
    const { attempts, calls } = input(route, failWith({}))
    await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({
      status: 503,
      code: 'circuit_open',
      retryAfterSeconds: 5,
    })
    expect(calls).toEqual([])
    const gauge = await metrics.registry.getSingleMetricAsString('strata_gateway_circuit_state')
    expect(gauge).toContain(
      'strata_gateway_circuit_state{route="apps/chat",backend_name="primary"} 2',
    )
  })

  it('never opens a circuit on throttling: a storm of 429s reaches clients as 429 with Retry-After', async () => {
    const { resilience, metrics } = setup()
    const route = chain({
      backends: chain().backends.slice(0, 1),
      breaker: { consecutiveFailures: 2, coolDownMs: 5_000 },
    })
    let upstream = 0
    for (let i = 0; i < 20; i += 1) {
      const { attempts, calls } = input(route, failWith({ primary: throttled }))
      await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({
        status: 429,
        code: 'rate_limit_exceeded',
        retryAfterSeconds: 1,
      })
      upstream += calls.length
    }
    expect(upstream).toBe(20)
    const gauge = await metrics.registry.getSingleMetricAsString('strata_gateway_circuit_state')
    expect(gauge).toContain(
      'strata_gateway_circuit_state{route="apps/chat",backend_name="primary"} 0',
    )
  })

  it("never counts the gateway's own failure against a backend, nor retries it elsewhere", async () => {
    const { resilience, metrics } = setup()
    const route = chain({ breaker: { consecutiveFailures: 2, coolDownMs: 5_000 } })
    for (let i = 0; i < 10; i += 1) {
      const { attempts, calls } = input(route, () => {
        throw new RangeError('Maximum call stack size exceeded')
      })
      await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({
        status: 500,
        code: 'internal_error',
      })
      expect(calls).toEqual(['primary'])
    }
    const { attempts, calls } = input(route, failWith({}))
    const served = await runAttempts(resilience, attempts)
    served.finish()
    expect(calls).toEqual(['primary'])
    const gauge = await metrics.registry.getSingleMetricAsString('strata_gateway_circuit_state')
    expect(gauge).not.toMatch(/ [12]$/m)
  })

  it('counts what says a backend is down: connection failures, timeouts and 5xx', async () => {
    const { resilience, metrics } = setup()
    const route = chain({
      backends: chain().backends.slice(0, 1),
      breaker: { consecutiveFailures: 3, coolDownMs: 5_000 },
    })
    const failures = [
      down,
      () => new GatewayError(502, 'api_error', 'no route', { upstream: 'unavailable' }),
      () => new GatewayError(504, 'timeout_error', 'slow', { upstream: 'unavailable' }),
    ]
    for (const failure of failures) {
      const { attempts } = input(route, () => Promise.reject(failure()))
      await expect(runAttempts(resilience, attempts)).rejects.toBeInstanceOf(GatewayError)
    }
    const gauge = await metrics.registry.getSingleMetricAsString('strata_gateway_circuit_state')
    expect(gauge).toContain(
      'strata_gateway_circuit_state{route="apps/chat",backend_name="primary"} 2',
    )
  })

  it('does not call a backend again before its Retry-After; a long one reaches the client', async () => {
    const { resilience } = setup()
    const route = chain({ backends: chain().backends.slice(0, 1) })
    const { attempts, calls } = input(route, failWith({ primary: () => throttled(30) }))
    const started = performance.now()
    await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 30,
    })
    expect(calls).toEqual(['primary'])
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('waits out a short Retry-After within the deadline and tries the backend again', async () => {
    const { resilience } = setup()
    const route = chain({ backends: chain().backends.slice(0, 1) })
    let failures = 1
    const { attempts, calls } = input(route, (backend) =>
      failures-- > 0
        ? Promise.reject(throttled(1))
        : Promise.resolve(`answer from ${backend.name}`),
    )
    const started = performance.now()
    const served = await runAttempts(resilience, attempts)
    served.finish()
    expect(served.value).toBe('answer from primary')
    expect(calls).toEqual(['primary', 'primary'])
    expect(performance.now() - started).toBeGreaterThanOrEqual(990)
  })

  it('times out a slow first token and falls back', async () => {
    const { resilience } = setup()
    const route = chain({ limits: { timeouts: { firstTokenMs: 50 } } })
    const { attempts, calls } = input(route, (backend, signal) =>
      backend.name === 'primary'
        ? new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              reject(new Error('aborted'))
            })
          })
        : Promise.resolve(`answer from ${backend.name}`),
    )
    const served = await runAttempts(resilience, attempts)
    served.finish()
    expect(served.value).toBe('answer from secondary')
    expect(calls).toEqual(['primary', 'secondary'])
  })

  it('answers 504 when the total deadline passes, without another attempt', async () => {
    const { resilience } = setup()
    const route = chain({ limits: { timeoutMs: 1_000, timeouts: { totalMs: 60 } } })
    const { attempts, calls } = input(
      route,
      (_backend, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('aborted'))
          })
        }),
    )
    await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({
      status: 504,
      code: 'request_timeout',
    })
    expect(calls).toEqual(['primary'])
  })

  it('answers 499 when the client leaves, without another attempt', async () => {
    const { resilience } = setup()
    const client = new AbortController()
    const { attempts, calls } = input(
      chain(),
      (_backend, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('aborted'))
          })
          client.abort()
        }),
      client,
    )
    await expect(runAttempts(resilience, attempts)).rejects.toMatchObject({ status: 499 })
    expect(calls).toEqual(['primary'])
  })

  it('keeps a sticky session on one backend', async () => {
    const { resilience } = setup()
    const route = chain({
      backends: [
        { name: 'a', kind: 'converse', modelId: 'a', region: 'us-east-1', weight: 1, priority: 0 },
        { name: 'b', kind: 'converse', modelId: 'b', region: 'us-east-1', weight: 1, priority: 0 },
      ],
      sticky: { header: 'x-session-id' },
    })
    const chosen = new Map<string, Set<string>>()
    for (let i = 0; i < 40; i += 1) {
      const session = `s-${i % 8}`
      const { attempts, calls } = input(route, failWith({}))
      const served = await runAttempts(resilience, { ...attempts, stickyValue: session })
      served.finish()
      const set = chosen.get(session) ?? new Set()
      set.add(calls[0] ?? '')
      chosen.set(session, set)
    }
    expect([...chosen.values()].every((set) => set.size === 1)).toBe(true)
    expect(new Set([...chosen.values()].flatMap((set) => [...set])).size).toBe(2)
  })
})
