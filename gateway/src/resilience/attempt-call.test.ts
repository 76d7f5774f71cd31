import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { startAttemptCall, startDeadline } from './attempt-call.ts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

const now = () => Date.now()
const timeouts = { firstTokenMs: 100, idleMs: 50 }

function reasonOf(signal: AbortSignal): GatewayError {
  expect(signal.aborted).toBe(true)
  expect(signal.reason).toBeInstanceOf(GatewayError)
  return signal.reason as GatewayError
}

describe('attempt call', () => {
  it('aborts a late first token with 504 upstream_timeout, and explains errors as it', () => {
    const call = startAttemptCall(
      new AbortController().signal,
      startDeadline(1_000, now),
      timeouts,
      now,
    )
    vi.advanceTimersByTime(99)
    expect(call.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(reasonOf(call.signal)).toMatchObject({ status: 504, code: 'upstream_timeout' })
    expect(call.explain(new Error('aborted'))).toBe(call.signal.reason)
  })

  it('bounds silence once the stream started, but not while the client reads', () => {
    const call = startAttemptCall(
      new AbortController().signal,
      startDeadline(1_000, now),
      timeouts,
      now,
    )
    call.clearTimeout()
    vi.advanceTimersByTime(40)
    call.touch()
    vi.advanceTimersByTime(40)
    call.hold()
    vi.advanceTimersByTime(500)
    expect(call.signal.aborted).toBe(false)
    call.touch()
    vi.advanceTimersByTime(50)
    expect(reasonOf(call.signal)).toMatchObject({ status: 504, code: 'stream_idle_timeout' })
  })

  it('ends with the request deadline, whichever phase it is in', () => {
    const deadline = startDeadline(80, now)
    const call = startAttemptCall(new AbortController().signal, deadline, timeouts, now)
    vi.advanceTimersByTime(80)
    expect(reasonOf(call.signal)).toMatchObject({ status: 504, code: 'request_timeout' })
    expect(deadline.remainingMs()).toBe(0)
  })

  it('explains anything after the client left as 499', () => {
    const client = new AbortController()
    const call = startAttemptCall(client.signal, startDeadline(1_000, now), timeouts, now)
    client.abort()
    expect(call.signal.aborted).toBe(true)
    expect(call.explain(new Error('socket hang up'))).toMatchObject({ status: 499 })
  })

  it('stops its timers once released', () => {
    const call = startAttemptCall(
      new AbortController().signal,
      startDeadline(1_000, now),
      timeouts,
      now,
    )
    call.release()
    vi.advanceTimersByTime(200)
    expect(call.signal.aborted).toBe(false)
  })
})
