// The rollout's next state: (spec, recorded status, manual control, gate results, now) → the next
// status, the Rollout condition, and an Event when something was decided. Pure, and idempotent:
// the status carries everything (step, when it began, the spec it follows), so a restarted or new
// leader given the same inputs decides the same, and a step never ends before its duration has
// passed with passing gates: no jumping ahead after a restart.
import type {
  GateResult,
  ModelRouteRollout,
  RolloutControl,
  RolloutPhase,
  RolloutStatus,
} from '@strata/crds'
import { describeGate } from './gate-verdicts.ts'
import { rolloutSpecHash } from './rollout-spec-hash.ts'

export interface RolloutInput {
  rollout: ModelRouteRollout
  status: RolloutStatus | undefined
  control: RolloutControl | undefined
  /** Whether the operator was given a Prometheus address. */
  prometheus: boolean
  /** This evaluation's gate results; undefined when no evaluation was due. */
  gates?: GateResult[] | undefined
  /** Why the gates could not be measured (Prometheus unreachable, a bad answer). */
  measureError?: string | undefined
  now: Date
}

export interface RolloutEvent {
  type: 'Normal' | 'Warning'
  reason: string
  message: string
}

export interface RolloutDecision {
  status: RolloutStatus
  /** Set when this decision changed something a person should hear about. */
  event?: RolloutEvent
}

const TERMINAL: ReadonlySet<RolloutPhase> = new Set(['Promoted', 'RolledBack'])
const EVALUATED: ReadonlySet<RolloutPhase> = new Set(['Progressing', 'Holding'])

const iso = (date: Date): string => date.toISOString().replace(/\.\d+Z$/, 'Z')

/** Whether the gates should be measured now: a running rollout whose interval has passed. */
export function evaluationDue(
  rollout: ModelRouteRollout,
  status: RolloutStatus | undefined,
  now: Date,
): boolean {
  if (status === undefined || !EVALUATED.has(status.phase)) return false
  if (status.specHash !== rolloutSpecHash(rollout)) return false
  if (status.lastEvaluatedAt === undefined) return true
  return now.getTime() - Date.parse(status.lastEvaluatedAt) >= rollout.intervalSeconds * 1000
}

function stepStatus(
  rollout: ModelRouteRollout,
  step: number,
  phase: RolloutPhase,
  now: Date,
  reason: string,
  message: string,
): RolloutStatus {
  const declared = rollout.steps[step]
  return {
    phase,
    stable: rollout.stable,
    candidate: rollout.candidate,
    specHash: rolloutSpecHash(rollout),
    step,
    steps: rollout.steps.length,
    weight: declared?.weight ?? 0,
    ...(declared?.shadowPercent ? { shadowPercent: declared.shadowPercent } : {}),
    stepStartedAt: iso(now),
    reason,
    message,
  }
}

function describeStep(rollout: ModelRouteRollout, step: number): string {
  const declared = rollout.steps[step]
  const shadow = declared?.shadowPercent ? `, shadowing ${String(declared.shadowPercent)} %` : ''
  return `step ${String(step + 1)}/${String(rollout.steps.length)}: ${String(declared?.weight ?? 0)} % to ${rollout.candidate}${shadow}`
}

/** Ends the rollout: all traffic to the candidate (Promoted) or back to stable (RolledBack). */
function ended(
  current: RolloutStatus,
  phase: 'Promoted' | 'RolledBack',
  reason: string,
  message: string,
  gates?: GateResult[],
): RolloutStatus {
  const rest: RolloutStatus = { ...current }
  delete rest.shadowPercent
  return {
    ...rest,
    phase,
    weight: phase === 'Promoted' ? 100 : 0,
    reason,
    message,
    ...(gates ? { gates } : {}),
  }
}

function start(input: RolloutInput): RolloutDecision {
  const { rollout, now } = input
  if (!input.prometheus) {
    const message =
      'the operator has no Prometheus address (--prometheus-url, chart value prometheus.url): the gates cannot be measured, so the candidate takes no traffic'
    const blocked = stepStatus(rollout, 0, 'Blocked', now, 'PrometheusNotConfigured', message)
    delete blocked.shadowPercent
    return {
      status: { ...blocked, weight: 0 },
      event: { type: 'Warning', reason: 'PrometheusNotConfigured', message },
    }
  }
  const message = `started: ${describeStep(rollout, 0)}`
  return {
    status: stepStatus(rollout, 0, 'Progressing', now, 'Started', message),
    event: { type: 'Normal', reason: 'RolloutStarted', message },
  }
}

function manual(input: RolloutInput, current: RolloutStatus): RolloutDecision | undefined {
  const { control, rollout, now } = input
  if (control === 'abort') {
    const message = `aborted by the ${control} annotation: all traffic back to ${rollout.stable}`
    return {
      status: ended(current, 'RolledBack', 'Aborted', message),
      event: { type: 'Warning', reason: 'RolloutAborted', message },
    }
  }
  if (control === 'promote') {
    const message = `promoted by the ${control} annotation: all traffic to ${rollout.candidate}`
    return {
      status: ended(current, 'Promoted', 'PromotedByHand', message),
      event: { type: 'Normal', reason: 'RolloutPromoted', message },
    }
  }
  if (control === 'pause') {
    if (current.phase === 'Paused') return { status: current }
    const message = `paused by the annotation at ${describeStep(rollout, current.step)}`
    return {
      status: { ...current, phase: 'Paused', reason: 'PausedByHand', message },
      event: { type: 'Normal', reason: 'RolloutPaused', message },
    }
  }
  if (current.phase === 'Paused') {
    // The step starts over: the time spent paused proved nothing about the candidate.
    const message = `resumed: ${describeStep(rollout, current.step)}`
    return {
      status: {
        ...current,
        phase: 'Progressing',
        stepStartedAt: iso(now),
        reason: 'Resumed',
        message,
      },
      event: { type: 'Normal', reason: 'RolloutResumed', message },
    }
  }
  return undefined
}

function judge(input: RolloutInput, current: RolloutStatus, gates: GateResult[]): RolloutDecision {
  const { rollout, now } = input
  const evaluated = { ...current, lastEvaluatedAt: iso(now), gates }
  const failed = gates.filter((gate) => gate.verdict === 'Fail')
  if (failed.length > 0) {
    const which = failed.map(describeGate).join('; ')
    if (rollout.onFailure === 'Rollback') {
      const message = `gate failed at ${describeStep(rollout, current.step)}: ${which}; all traffic back to ${rollout.stable}`
      return {
        status: ended(evaluated, 'RolledBack', 'GateFailed', message, gates),
        event: { type: 'Warning', reason: 'RolledBack', message },
      }
    }
    const message = `holding at ${describeStep(rollout, current.step)}: ${which}`
    return {
      status: { ...evaluated, phase: 'Holding', reason: 'GateFailed', message },
      ...(current.phase === 'Holding'
        ? {}
        : { event: { type: 'Warning', reason: 'RolloutHolding', message } }),
    }
  }
  if (gates.some((gate) => gate.verdict === 'NoData')) {
    const waiting = gates.filter((gate) => gate.verdict === 'NoData').map((gate) => gate.gate)
    const message = `waiting for at least ${String(rollout.minimumRequests)} requests on each side for ${waiting.join(', ')} at ${describeStep(rollout, current.step)}`
    return { status: { ...evaluated, reason: 'WaitingForData', message } }
  }
  const values = gates.map(describeGate).join('; ')
  if (current.phase === 'Holding') {
    const message = `gates pass again, the step starts over: ${describeStep(rollout, current.step)}; ${values}`
    return {
      status: {
        ...evaluated,
        phase: 'Progressing',
        stepStartedAt: iso(now),
        reason: 'Recovered',
        message,
      },
      event: { type: 'Normal', reason: 'RolloutRecovered', message },
    }
  }
  const elapsedMs = now.getTime() - Date.parse(current.stepStartedAt)
  const durationMs = (rollout.steps[current.step]?.durationSeconds ?? 0) * 1000
  if (elapsedMs < durationMs) {
    const message = `gates pass at ${describeStep(rollout, current.step)}: ${values}`
    return { status: { ...evaluated, reason: 'GatesPassing', message } }
  }
  const next = current.step + 1
  if (next >= rollout.steps.length) {
    const message = `every step passed: all traffic to ${rollout.candidate}; ${values}`
    return {
      status: ended(evaluated, 'Promoted', 'Promoted', message, gates),
      event: { type: 'Normal', reason: 'RolloutPromoted', message },
    }
  }
  const message = `advanced to ${describeStep(rollout, next)}; ${values}`
  return {
    status: {
      ...stepStatus(rollout, next, 'Progressing', now, 'StepAdvanced', message),
      lastEvaluatedAt: iso(now),
      gates,
    },
    event: { type: 'Normal', reason: 'RolloutAdvanced', message },
  }
}

export function decideRollout(input: RolloutInput): RolloutDecision {
  const { rollout, status } = input
  const follows =
    status !== undefined &&
    status.specHash === rolloutSpecHash(rollout) &&
    status.stable === rollout.stable &&
    status.candidate === rollout.candidate
  if (!follows || status.phase === 'Blocked') {
    if (follows && !input.prometheus) return { status }
    return start(input)
  }
  if (TERMINAL.has(status.phase)) return { status }
  const byHand = manual(input, status)
  if (byHand) return byHand
  if (status.phase === 'Paused') return { status }
  if (input.measureError !== undefined) {
    const message = `gates not measured, the step waits: ${input.measureError}`
    const changed = status.reason !== 'MetricsUnavailable'
    return {
      status: { ...status, lastEvaluatedAt: iso(input.now), reason: 'MetricsUnavailable', message },
      ...(changed ? { event: { type: 'Warning', reason: 'MetricsUnavailable', message } } : {}),
    }
  }
  if (input.gates === undefined) return { status }
  return judge(input, status, input.gates)
}

/** The Rollout condition that goes with a status. */
export function rolloutCondition(status: RolloutStatus): {
  status: boolean
  reason: string
  message: string
} {
  const healthy = status.phase === 'Progressing' || status.phase === 'Promoted'
  return { status: healthy, reason: status.reason, message: status.message }
}
