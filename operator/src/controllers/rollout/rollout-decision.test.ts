import { modelRouteRolloutSchema, type GateResult, type RolloutStatus } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { decideRollout, evaluationDue, type RolloutInput } from './rollout-decision.ts'
import { rolloutWeights, tableWeights } from './rollout-weights.ts'

const rollout = modelRouteRolloutSchema.parse({
  stable: 'sonnet-4-5',
  candidate: 'sonnet-4-6',
  steps: [
    { shadowPercent: 50, durationSeconds: 10 },
    { weight: 25, durationSeconds: 10 },
    { weight: 50, durationSeconds: 10 },
  ],
  intervalSeconds: 5,
  gates: { errorRate: { maxIncreasePercent: 5 }, duration: { maxRatio: 1.5 } },
})
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 2, 0, seconds))
const pass: GateResult[] = [
  { gate: 'errorRate', verdict: 'Pass', candidate: 0, stable: 0, limit: 5 },
  { gate: 'duration', verdict: 'Pass', candidate: 1, stable: 1, limit: 1.5 },
]
const failing: GateResult[] = [
  { gate: 'errorRate', verdict: 'Fail', candidate: 30, stable: 0, limit: 5 },
  pass[1] as GateResult,
]

function decide(status: RolloutStatus | undefined, extra: Partial<RolloutInput> = {}) {
  return decideRollout({
    rollout,
    status,
    control: undefined,
    prometheus: true,
    now: at(0),
    ...extra,
  })
}

function started(): RolloutStatus {
  return decide(undefined).status
}

describe('decideRollout', () => {
  it('starts at the first step, a shadow step that sends the candidate no client traffic', () => {
    const { status, event } = decide(undefined)
    expect(status).toMatchObject({ phase: 'Progressing', step: 0, weight: 0, shadowPercent: 50 })
    expect(event?.reason).toBe('RolloutStarted')
    expect(rolloutWeights(rollout, status)).toMatchObject({
      candidatePercent: 0,
      shadowPercent: 50,
    })
  })

  it('refuses to start without Prometheus, says why, and starts once it is configured', () => {
    const blocked = decide(undefined, { prometheus: false })
    expect(blocked.status).toMatchObject({ phase: 'Blocked', reason: 'PrometheusNotConfigured' })
    expect(rolloutWeights(rollout, blocked.status)?.candidatePercent).toBe(0)
    expect(decide(blocked.status, { prometheus: false }).event).toBeUndefined()
    expect(decide(blocked.status).status.phase).toBe('Progressing')
    // Also when the first step would give the candidate traffic.
    const weighted = { ...rollout, steps: [{ weight: 50, durationSeconds: 10 }] }
    const input = { rollout: weighted, control: undefined, prometheus: false, now: at(0) }
    const refused = decideRollout({ ...input, status: undefined }).status
    expect(refused).toMatchObject({ phase: 'Blocked', weight: 0 })
    expect(rolloutWeights(weighted, refused)?.candidatePercent).toBe(0)
    expect(rolloutWeights(weighted, { ...refused, weight: 50 })?.candidatePercent).toBe(0)
  })

  it('advances only after the step duration with passing gates, one step at a time', () => {
    const first = started()
    const early = decide(first, { gates: pass, now: at(5) })
    expect(early.status).toMatchObject({ step: 0, reason: 'GatesPassing' })
    expect(early.event).toBeUndefined()
    const advanced = decide(early.status, { gates: pass, now: at(10) })
    expect(advanced.status).toMatchObject({
      step: 1,
      weight: 25,
      stepStartedAt: '2026-12-07T02:00:10Z',
    })
    expect(advanced.status.shadowPercent).toBeUndefined()
    expect(advanced.event?.reason).toBe('RolloutAdvanced')
    // A long outage of the operator still moves on by one step per evaluation, never more.
    const late = decide(advanced.status, { gates: pass, now: at(59) })
    expect(late.status.step).toBe(2)
    const promoted = decide(late.status, { gates: pass, now: at(59 + 10) })
    expect(promoted.status).toMatchObject({ phase: 'Promoted', weight: 100 })
    expect(tableWeights({ stable: 'a', candidate: 'b', candidatePercent: 25 })).toEqual({
      stable: 750,
      candidate: 250,
    })
  })

  it('decides the same from the same recorded status: a restart resumes the step', () => {
    const step1 = decide(started(), { gates: pass, now: at(10) }).status
    const again = decide(structuredClone(step1), { gates: pass, now: at(12) })
    expect(again.status).toMatchObject({ step: 1, stepStartedAt: step1.stepStartedAt })
  })

  it('rolls back on a failed gate and names it with its values', () => {
    const step1 = decide(started(), { gates: pass, now: at(10) }).status
    const { status, event } = decide(step1, { gates: failing, now: at(15) })
    expect(status).toMatchObject({ phase: 'RolledBack', weight: 0, reason: 'GateFailed' })
    expect(status.message).toContain('errorRate 30 vs 0 (max +5)')
    expect(event).toMatchObject({ type: 'Warning', reason: 'RolledBack' })
    expect(decide(status, { gates: pass, now: at(30) }).status.phase).toBe('RolledBack')
  })

  it('holds on a failed gate under onFailure Pause, then restarts the step when gates pass', () => {
    const paused = { ...rollout, onFailure: 'Pause' as const }
    const step1 = decideRollout({
      rollout: paused,
      status: undefined,
      control: undefined,
      prometheus: true,
      now: at(0),
    }).status
    const input = { rollout: paused, control: undefined, prometheus: true }
    const holding = decideRollout({ ...input, status: step1, gates: failing, now: at(15) })
    expect(holding.status).toMatchObject({ phase: 'Holding', step: 0, weight: 0 })
    expect(holding.event?.reason).toBe('RolloutHolding')
    const still = decideRollout({ ...input, status: holding.status, gates: failing, now: at(20) })
    expect(still.event).toBeUndefined()
    const recovered = decideRollout({ ...input, status: still.status, gates: pass, now: at(25) })
    expect(recovered.status).toMatchObject({ phase: 'Progressing', step: 0 })
    expect(recovered.status.stepStartedAt).toBe('2026-12-07T02:00:25Z')
  })

  it('waits without deciding while a side has too few requests', () => {
    const noData: GateResult[] = [{ gate: 'errorRate', verdict: 'NoData', limit: 5 }]
    const { status, event } = decide(started(), { gates: noData, now: at(30) })
    expect(status).toMatchObject({ phase: 'Progressing', step: 0, reason: 'WaitingForData' })
    expect(event).toBeUndefined()
  })

  it('waits, and says so once, when Prometheus cannot be read', () => {
    const first = decide(started(), { measureError: 'connection refused', now: at(5) })
    expect(first.status).toMatchObject({ step: 0, reason: 'MetricsUnavailable' })
    expect(first.event?.type).toBe('Warning')
    expect(
      decide(first.status, { measureError: 'connection refused', now: at(10) }).event,
    ).toBeUndefined()
  })

  it('obeys the annotation: pause holds, resume restarts the step, promote and abort end it', () => {
    const step0 = started()
    const paused = decide(step0, { control: 'pause', gates: pass, now: at(20) })
    expect(paused.status).toMatchObject({ phase: 'Paused', step: 0 })
    const resumed = decide(paused.status, { now: at(30) })
    expect(resumed.status).toMatchObject({
      phase: 'Progressing',
      stepStartedAt: '2026-12-07T02:00:30Z',
    })
    expect(decide(step0, { control: 'promote' }).status).toMatchObject({
      phase: 'Promoted',
      weight: 100,
    })
    expect(decide(step0, { control: 'abort' }).status).toMatchObject({
      phase: 'RolledBack',
      reason: 'Aborted',
    })
  })

  it('restarts from the first step when spec.rollout changes', () => {
    const step1 = decide(started(), { gates: pass, now: at(10) }).status
    const edited = { ...rollout, intervalSeconds: 6 }
    expect(rolloutWeights(edited, step1)?.candidatePercent).toBe(0)
    const restarted = decideRollout({
      rollout: edited,
      status: step1,
      control: undefined,
      prometheus: true,
      now: at(20),
    })
    expect(restarted.status).toMatchObject({ step: 0, reason: 'Started' })
  })

  it('is due for evaluation once per interval while running', () => {
    const step0 = started()
    expect(evaluationDue(rollout, step0, at(0))).toBe(true)
    const evaluated = decide(step0, { gates: pass, now: at(1) }).status
    expect(evaluationDue(rollout, evaluated, at(5))).toBe(false)
    expect(evaluationDue(rollout, evaluated, at(6))).toBe(true)
    expect(evaluationDue(rollout, { ...evaluated, phase: 'Paused' }, at(60))).toBe(false)
  })
})
