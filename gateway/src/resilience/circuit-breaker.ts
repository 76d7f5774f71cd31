// A circuit breaker for one backend. Closed: calls flow, outcomes are counted. Too many failures
// in a row, or too high a failure share over the last calls, open it: calls are refused for a
// cool-down. Then it is half-open: exactly one probe goes through; its success closes the circuit,
// its failure opens it again. Pure: time comes from `now`, state changes are reported to
// `onChange` (the strata_gateway_circuit_state gauge).

import type { BreakerOptions } from './route-resilience-defaults.ts'

export type CircuitState = 'closed' | 'half-open' | 'open'

/** The gauge value of each state: 0 closed, 1 half-open, 2 open. */
export const circuitStateValue: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
}

export interface CircuitBreaker {
  state(): CircuitState
  /** Whether a call would be let through now, without taking the half-open probe. */
  wouldAllow(): boolean
  /** Takes permission for one call; in half-open state only the first caller gets it. */
  tryAcquire(): boolean
  onSuccess(): void
  onFailure(): void
  /** The call ended in a way that says nothing about the backend (a client error or abort). */
  onNeutral(): void
  /** Milliseconds until an open circuit lets a probe through; 0 otherwise. */
  retryInMs(): number
  /** New thresholds after a table reload; the state is kept. */
  configure(options: BreakerOptions): void
}

export function createCircuitBreaker(
  initial: BreakerOptions,
  now: () => number,
  onChange: (state: CircuitState) => void = () => undefined,
): CircuitBreaker {
  let options = initial
  let state: CircuitState = 'closed'
  let openedAt = 0
  let consecutive = 0
  let probing = false
  // The last `minimumRequests` outcomes, true for a failure.
  let outcomes: boolean[] = []

  const become = (next: CircuitState): void => {
    if (next === state) return
    state = next
    onChange(next)
  }
  const open = (): void => {
    openedAt = now()
    probing = false
    consecutive = 0
    outcomes = []
    become('open')
  }
  const coolDownOver = (): boolean => now() - openedAt >= options.coolDownMs

  return {
    state: () => state,
    wouldAllow() {
      if (state === 'closed') return true
      if (state === 'open') return coolDownOver()
      return !probing
    },
    tryAcquire() {
      if (state === 'closed') return true
      if (state === 'open') {
        if (!coolDownOver()) return false
        become('half-open')
      }
      if (probing) return false
      probing = true
      return true
    },
    onSuccess() {
      consecutive = 0
      if (state !== 'closed') {
        probing = false
        outcomes = []
        become('closed')
        return
      }
      outcomes.push(false)
      if (outcomes.length > options.minimumRequests) outcomes.shift()
    },
    onFailure() {
      if (state !== 'closed') {
        open()
        return
      }
      consecutive += 1
      outcomes.push(true)
      if (outcomes.length > options.minimumRequests) outcomes.shift()
      const failures = outcomes.filter(Boolean).length
      const rateTripped =
        outcomes.length >= options.minimumRequests &&
        failures * 100 >= options.failureRatePercent * outcomes.length
      if (consecutive >= options.consecutiveFailures || rateTripped) open()
    },
    onNeutral() {
      if (state === 'half-open') probing = false
    },
    retryInMs() {
      if (state !== 'open') return 0
      return Math.max(0, options.coolDownMs - (now() - openedAt))
    },
    configure(next) {
      options = next
    },
  }
}
