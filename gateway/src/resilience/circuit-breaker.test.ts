import { describe, expect, it } from 'vitest'
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.ts'
import { defaultBreaker } from './route-resilience-defaults.ts'

function breaker(options: Partial<typeof defaultBreaker> = {}) {
  let now = 0
  const changes: CircuitState[] = []
  const circuit = createCircuitBreaker(
    { ...defaultBreaker, coolDownMs: 1_000, ...options },
    () => now,
    (state) => changes.push(state),
  )
  return {
    circuit,
    changes,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('circuit breaker', () => {
  it('opens after consecutive failures and refuses calls during the cool-down', () => {
    const { circuit, changes } = breaker({ consecutiveFailures: 3 })
    circuit.onFailure()
    circuit.onFailure()
    circuit.onSuccess()
    circuit.onFailure()
    circuit.onFailure()
    expect(circuit.state()).toBe('closed')
    circuit.onFailure()
    expect(circuit.state()).toBe('open')
    expect(circuit.tryAcquire()).toBe(false)
    expect(circuit.wouldAllow()).toBe(false)
    expect(circuit.retryInMs()).toBe(1_000)
    expect(changes).toEqual(['open'])
  })

  it('opens on a failure share over the last calls', () => {
    const { circuit } = breaker({
      consecutiveFailures: 100,
      failureRatePercent: 50,
      minimumRequests: 10,
    })
    for (let i = 0; i < 5; i += 1) {
      circuit.onSuccess()
      expect(circuit.state()).toBe('closed')
      circuit.onFailure()
    }
    expect(circuit.state()).toBe('open')
  })

  it('lets exactly one probe through after the cool-down; its success closes', () => {
    const { circuit, changes, advance } = breaker({ consecutiveFailures: 1 })
    circuit.onFailure()
    advance(999)
    expect(circuit.tryAcquire()).toBe(false)
    advance(1)
    expect(circuit.wouldAllow()).toBe(true)
    expect(circuit.tryAcquire()).toBe(true)
    expect(circuit.state()).toBe('half-open')
    expect(circuit.tryAcquire()).toBe(false)
    circuit.onSuccess()
    expect(circuit.state()).toBe('closed')
    expect(circuit.tryAcquire()).toBe(true)
    expect(changes).toEqual(['open', 'half-open', 'closed'])
  })

  it('opens again when the probe fails, and frees the probe on a neutral outcome', () => {
    const { circuit, advance } = breaker({ consecutiveFailures: 1 })
    circuit.onFailure()
    advance(1_000)
    expect(circuit.tryAcquire()).toBe(true)
    circuit.onNeutral()
    expect(circuit.tryAcquire()).toBe(true)
    circuit.onFailure()
    expect(circuit.state()).toBe('open')
    expect(circuit.tryAcquire()).toBe(false)
  })
})
