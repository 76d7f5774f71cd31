// Progressive delivery end to end (docs/rollouts.md): a ModelRoute's rollout driven by the real
// operator process against the real apiserver, measured by a real Prometheus scraping a real
// gateway that serves the table the operator publishes, with the Bedrock emulator scripted per
// model. Each journey prints its figures: time to promotion, rollback latency against the
// evaluation interval, the candidate's share of traffic at each step.
import { EventsV1Api } from '@kubernetes/client-node'
import type { RolloutStatus } from '@strata/crds'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import {
  CANDIDATE_MODEL,
  COSTLY_MODEL,
  STABLE_MODEL,
  attemptsByBackend,
  startLoad,
  startRolloutWorld,
  type Load,
  type RolloutWorld,
} from '../support/rollout-world.ts'

const kubeconfig = inject('kubeconfig')
const config = kubeConfigFrom(kubeconfig)
let world: RolloutWorld
/** Set once the world is up, so afterAll stops only what started. */
let started: RolloutWorld | undefined
const loads: Load[] = []

const figure = (text: string): void => {
  process.stderr.write(`[rollouts] ${text}\n`)
}

// The evaluation interval of every journey; Prometheus scrapes every second.
const INTERVAL_SECONDS = 2
// A patient breaker: a failing candidate must be judged by the rollout, not hidden by its circuit.
const patientBreaker = { consecutiveFailures: 1000, minimumRequests: 10_000 }

function routeSpec(
  alias: string,
  candidateModel: string,
  rollout: Record<string, unknown>,
): Record<string, unknown> {
  return {
    model: alias,
    breaker: patientBreaker,
    backends: [
      { name: 'stable', kind: 'converse', modelId: STABLE_MODEL },
      { name: 'candidate', kind: 'converse', modelId: candidateModel, weight: 0 },
    ],
    rollout: {
      stable: 'stable',
      candidate: 'candidate',
      intervalSeconds: INTERVAL_SECONDS,
      windowSeconds: 6,
      minimumRequests: 10,
      ...rollout,
    },
  }
}

async function rolloutOf(name: string): Promise<RolloutStatus | undefined> {
  return (await world.readRoute(name)).status?.rollout
}

async function awaitRollout(
  name: string,
  what: string,
  check: (status: RolloutStatus) => boolean,
  timeoutMs = 60_000,
): Promise<RolloutStatus> {
  return eventually(
    `${what} on ModelRoute ${name}`,
    async () => {
      const status = await rolloutOf(name)
      return status && check(status) ? status : undefined
    },
    timeoutMs,
    100,
  )
}

/** Starts steady traffic on a route once the gateway serves it (the route is Ready). */
async function load(alias: string): Promise<Load> {
  await eventually(`ModelRoute ${alias} Ready`, async () => {
    const route = await world.readRoute(alias)
    return route.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
      ? true
      : undefined
  })
  // Ready says the table carries it; the gateway's watch applies that table a moment later.
  await eventually(`the gateway serving ${alias}`, () =>
    world.openai.chat.completions
      .create({ model: alias, messages: [{ role: 'user', content: 'ready?' }] })
      .then(() => true),
  )
  const running = startLoad(world.openai, alias)
  loads.push(running)
  return running
}

/** The binomial bound on an observed share: four standard deviations, plus table-reload slack. */
function shareBound(weight: number, requests: number): number {
  const p = weight / 100
  return 4 * Math.sqrt((p * (1 - p)) / Math.max(1, requests)) + 0.05
}

beforeAll(async () => {
  world = await startRolloutWorld(config, kubeconfig)
  started = world
  // Sonnet 4.5 answers its first token after 60 ms; every other model as fast unless scripted.
  for (const model of [STABLE_MODEL, CANDIDATE_MODEL, COSTLY_MODEL])
    await world.bedrock.behave(model, { firstTokenDelayMs: 60 })
}, 180_000)

afterAll(async () => {
  await Promise.all(loads.map((running) => running.stop()))
  await started?.stop()
})

describe('ModelRoute rollouts', () => {
  it('takes a healthy candidate through every step to 100 %, with the declared traffic shares', async () => {
    const steps = [
      { shadowPercent: 50, durationSeconds: 3 },
      { weight: 10, durationSeconds: 5 },
      { weight: 25, durationSeconds: 5 },
      { weight: 50, durationSeconds: 5 },
    ]
    const started = Date.now()
    await world.createRoute(
      'healthy',
      routeSpec('healthy', CANDIDATE_MODEL, {
        steps,
        gates: {
          errorRate: { maxIncreasePercent: 5 },
          timeToFirstToken: { maxRatio: 1.5 },
          duration: { maxRatio: 1.5 },
          costPerRequest: { maxRatio: 1.2 },
          malformedOutput: { maxIncreasePercent: 1 },
          contextOverflow: { maxIncreasePercent: 1 },
        },
      }),
    )
    const running = await load('healthy')
    const route = `${world.team}/healthy`
    // Watch the steps go by, and count each step's attempts per backend from the gateway.
    const shares: { step: number; weight: number; share: number; requests: number }[] = []
    let current = await awaitRollout('healthy', 'a started rollout', (s) => s.phase !== 'Blocked')
    let counts = await attemptsByBackend(world.gateway.url, route)
    const seen: number[] = [current.step]
    while (current.phase !== 'Promoted') {
      expect(current.phase, current.message).toBe('Progressing')
      const next = await awaitRollout(
        'healthy',
        `the step after ${String(current.step)}`,
        (s) => s.step !== current.step || s.phase !== 'Progressing',
      )
      const now = await attemptsByBackend(world.gateway.url, route)
      const candidate = (now['candidate'] ?? 0) - (counts['candidate'] ?? 0)
      const stable = (now['stable'] ?? 0) - (counts['stable'] ?? 0)
      shares.push({
        step: current.step,
        weight: current.weight,
        share: candidate / Math.max(1, candidate + stable),
        requests: candidate + stable,
      })
      counts = now
      current = next
      if (current.phase === 'Progressing') seen.push(current.step)
    }
    const elapsed = (Date.now() - started) / 1000
    await running.stop()
    expect(seen).toEqual([0, 1, 2, 3])
    expect(current.weight).toBe(100)
    for (const { step, weight, share, requests } of shares) {
      figure(
        `healthy: step ${String(step)} at ${String(weight)} %: candidate took ${(share * 100).toFixed(1)} % of ${String(requests)} requests`,
      )
      expect(Math.abs(share - weight / 100), `step ${String(step)}`).toBeLessThanOrEqual(
        shareBound(weight, requests),
      )
    }
    const declared = steps.reduce((sum, step) => sum + step.durationSeconds, 0)
    figure(
      `healthy: created to Promoted in ${elapsed.toFixed(1)} s (steps declare ${String(declared)} s, evaluation every ${String(INTERVAL_SECONDS)} s); ${String(running.failed)} of ${String(running.ok + running.failed)} requests failed`,
    )
    expect(running.failures).toEqual(new Map())
    // Promoted: every request now goes to the candidate.
    await eventually('the table at 100 % candidate', async () => {
      const before = await attemptsByBackend(world.gateway.url, route)
      await world.openai.chat.completions.create({
        model: 'healthy',
        messages: [{ role: 'user', content: 'one more' }],
      })
      const after = await attemptsByBackend(world.gateway.url, route)
      return (after['candidate'] ?? 0) > (before['candidate'] ?? 0) ? true : undefined
    })
    const events = await eventsOf('healthy')
    expect(events).toEqual(
      expect.arrayContaining(['RolloutStarted', 'RolloutAdvanced', 'RolloutPromoted']),
    )
  }, 120_000)

  it('rolls a candidate that starts failing at 25 % back within one evaluation interval', async () => {
    await world.createRoute(
      'failing',
      routeSpec('failing', CANDIDATE_MODEL, {
        steps: [
          { weight: 10, durationSeconds: 3 },
          { weight: 25, durationSeconds: 60 },
          { weight: 50, durationSeconds: 3 },
        ],
        gates: { errorRate: { maxIncreasePercent: 5 } },
      }),
    )
    const running = await load('failing')
    const atQuarter = await awaitRollout('failing', 'the 25 % step', (s) => s.weight === 25)
    // The candidate begins to fail only now, in the middle of the rollout.
    await world.bedrock.behave(CANDIDATE_MODEL, { errorPercent: 100, firstTokenDelayMs: 60 })
    const failingSince = Date.now()
    const rolledBack = await awaitRollout('failing', 'RolledBack', (s) => s.phase === 'RolledBack')
    const latency = (Date.now() - failingSince) / 1000
    figure(
      `failing: rolled back ${latency.toFixed(2)} s after the candidate began failing (evaluation interval ${String(INTERVAL_SECONDS)} s, scrape interval 1 s)`,
    )
    figure(`failing: status message: ${rolledBack.message}`)
    // One interval for the next evaluation, plus the scrape that carries the failures to Prometheus
    // and the status round trip.
    expect(latency).toBeLessThanOrEqual(INTERVAL_SECONDS + 1 + 1)
    expect(rolledBack).toMatchObject({ weight: 0, reason: 'GateFailed', step: atQuarter.step })
    const gate = rolledBack.gates?.find((g) => g.gate === 'errorRate')
    expect(gate).toMatchObject({ verdict: 'Fail', limit: 5 })
    expect(gate?.candidate ?? 0).toBeGreaterThan((gate?.stable ?? 0) + 5)
    expect(rolledBack.message).toContain('errorRate')

    // Once the table carries the rollback, no request reaches the candidate's model.
    const candidateArn = await world.profileArn(CANDIDATE_MODEL)
    const toCandidate = async () =>
      (await world.bedrock.requests()).filter((r) => r.modelId === candidateArn).length
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const before = await toCandidate()
    const okBefore = running.ok
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(running.ok - okBefore).toBeGreaterThan(10)
    expect(await toCandidate()).toBe(before)
    await running.stop()
    await world.bedrock.behave(CANDIDATE_MODEL, { firstTokenDelayMs: 60 })
    const condition = (await world.readRoute('failing')).status?.conditions?.find(
      (c) => c.type === 'Rollout',
    )
    expect(condition).toMatchObject({ status: 'False', reason: 'GateFailed' })
    expect(await eventsOf('failing')).toContain('RolledBack')
  }, 120_000)

  it('holds a candidate three times slower at p95 on the latency gate', async () => {
    await world.bedrock.behave(COSTLY_MODEL, { firstTokenDelayMs: 180 })
    await world.createRoute(
      'slow',
      routeSpec('slow', COSTLY_MODEL, {
        steps: [
          { weight: 20, durationSeconds: 2 },
          { weight: 50, durationSeconds: 2 },
        ],
        onFailure: 'Pause',
        gates: { errorRate: { maxIncreasePercent: 5 }, timeToFirstToken: { maxRatio: 1.5 } },
      }),
    )
    const running = await load('slow')
    const held = await awaitRollout('slow', 'Holding', (s) => s.phase === 'Holding')
    const gate = held.gates?.find((g) => g.gate === 'timeToFirstToken')
    figure(`slow: held at step ${String(held.step)}: ${held.message}`)
    expect(gate?.verdict).toBe('Fail')
    expect(held.gates?.find((g) => g.gate === 'errorRate')?.verdict).toBe('Pass')
    // Held, not advanced: three more evaluations later it is still at the same step and weight.
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_SECONDS * 1000))
    expect(await rolloutOf('slow')).toMatchObject({ phase: 'Holding', step: held.step, weight: 20 })
    await running.stop()
    await world.bedrock.behave(COSTLY_MODEL, { firstTokenDelayMs: 60 })
  }, 120_000)

  it('holds a candidate twice as costly per request on the cost gate', async () => {
    await world.createRoute(
      'costly',
      routeSpec('costly', COSTLY_MODEL, {
        steps: [
          { weight: 20, durationSeconds: 2 },
          { weight: 50, durationSeconds: 2 },
        ],
        onFailure: 'Pause',
        gates: { errorRate: { maxIncreasePercent: 5 }, costPerRequest: { maxRatio: 1.5 } },
      }),
    )
    const running = await load('costly')
    const held = await awaitRollout('costly', 'Holding', (s) => s.phase === 'Holding')
    await running.stop()
    const gate = held.gates?.find((g) => g.gate === 'costPerRequest')
    figure(`costly: held at step ${String(held.step)}: ${held.message}`)
    expect(gate?.verdict).toBe('Fail')
    const ratio = (gate?.candidate ?? 0) / (gate?.stable ?? 1)
    expect(ratio).toBeGreaterThan(1.8)
    expect(ratio).toBeLessThan(2.2)
    expect(held).toMatchObject({ step: 0, weight: 20 })
  }, 120_000)

  it.each([
    {
      name: 'malformedoutput',
      gate: 'malformedOutput',
      what: 'streams ended as malformed',
      behaviour: { stopReason: 'malformed_tool_use' as const, firstTokenDelayMs: 60 },
    },
    {
      name: 'contextoverflow',
      gate: 'contextOverflow',
      what: 'inputs refused as too long',
      behaviour: {
        errorPercent: 100,
        exception: 'ValidationException' as const,
        errorMessage: 'Input is too long for requested model.',
      },
    },
    {
      name: 'context-window',
      gate: 'contextOverflow',
      what: 'answers cut off by a full context window',
      behaviour: { stopReason: 'model_context_window_exceeded' as const, firstTokenDelayMs: 60 },
      stopReason: 'model_context_window_exceeded',
    },
  ])(
    'rolls back a candidate on the $gate gate: $what',
    async ({ name, gate, behaviour, stopReason }) => {
      await world.bedrock.behave(COSTLY_MODEL, behaviour)
      await world.createRoute(
        name,
        routeSpec(name, COSTLY_MODEL, {
          steps: [{ weight: 20, durationSeconds: 60 }],
          gates: { [gate]: { maxIncreasePercent: 5 } },
        }),
      )
      const running = await load(name)
      const rolledBack = await awaitRollout(name, 'RolledBack', (s) => s.phase === 'RolledBack')
      await running.stop()
      await world.bedrock.behave(COSTLY_MODEL, { firstTokenDelayMs: 60 })
      figure(`${name}: ${rolledBack.message}`)
      const result = rolledBack.gates?.find((g) => g.gate === gate)
      expect(result?.verdict).toBe('Fail')
      expect(result?.candidate ?? 0).toBeGreaterThan(50)
      expect(result?.stable).toBe(0)
      if (stopReason !== undefined) {
        // A cut-off answer is still an answer: every client was served, and the candidate's
        // overflows are its stop reasons, not refused attempts.
        expect(running.failures).toEqual(new Map())
        const route = `${world.team}/${name}`
        // The last streams' records close just after their clients read the end.
        await expect
          .poll(async () => {
            const { stopped, attempts } = await backendSeries(world.gateway.url, route, 'candidate')
            return stopped === attempts
          })
          .toBe(true)
        const series = await backendSeries(world.gateway.url, route, 'candidate')
        figure(
          `${name}: the candidate answered ${String(series.stopped)} of ${String(series.attempts)} attempts with ${stopReason}`,
        )
        expect(series.stopped).toBeGreaterThan(0)
        expect(series.stopped).toBe(series.attempts)
        expect(series.refused).toBe(0)
      }
    },
    120_000,
  )

  it('resumes at the same step after the operator is killed mid-step, without jumping ahead', async () => {
    const stepSeconds = 8
    await world.createRoute(
      'restart',
      routeSpec('restart', CANDIDATE_MODEL, {
        steps: [
          { weight: 10, durationSeconds: 3 },
          { weight: 25, durationSeconds: stepSeconds },
          { weight: 50, durationSeconds: 3 },
        ],
        gates: { errorRate: { maxIncreasePercent: 5 } },
      }),
    )
    const running = await load('restart')
    const before = await awaitRollout('restart', 'step 1', (s) => s.step === 1)
    const profiles = [await world.profileArn(STABLE_MODEL), await world.profileArn(CANDIDATE_MODEL)]
    process.kill(world.operator.process.pid, 'SIGKILL')
    const killedAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(await rolloutOf('restart')).toMatchObject({
      step: 1,
      stepStartedAt: before.stepStartedAt,
    })
    await world.restartOperator()
    // The step keeps the start it recorded; the next one begins only once its time is up.
    const after = await awaitRollout('restart', 'step 2', (s) => s.step !== 1, 60_000)
    const resumedAfter = (Date.now() - killedAt) / 1000
    expect(after).toMatchObject({ step: 2, phase: 'Progressing' })
    const stepLasted = (Date.parse(after.stepStartedAt) - Date.parse(before.stepStartedAt)) / 1000
    figure(
      `restart: operator killed mid-step, a new one advanced ${resumedAfter.toFixed(1)} s later; step 1 lasted ${stepLasted.toFixed(1)} s (declared ${String(stepSeconds)} s)`,
    )
    expect(stepLasted).toBeGreaterThanOrEqual(stepSeconds)
    await awaitRollout('restart', 'Promoted', (s) => s.phase === 'Promoted')
    await running.stop()
    expect(running.failures).toEqual(new Map())
    // The new operator kept the inference profiles the routes use: deleting one, even to make it
    // again, would fail every call in flight on its ARN.
    expect([await world.profileArn(STABLE_MODEL), await world.profileArn(CANDIDATE_MODEL)]).toEqual(
      profiles,
    )
  }, 120_000)
})

/** From the gateway's /metrics: one backend's attempts, its refused long inputs and its window stops. */
async function backendSeries(
  gatewayUrl: string,
  route: string,
  backend: string,
): Promise<{ attempts: number; refused: number; stopped: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text()
  const sum = (metric: string, extra = ''): number => {
    let total = 0
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${metric}{`)) continue
      if (!line.includes(`route="${route}"`) || !line.includes(`backend_name="${backend}"`))
        continue
      if (extra !== '' && !line.includes(extra)) continue
      total += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    return total
  }
  return {
    attempts: sum('strata_gateway_backend_attempts_total'),
    refused: sum('strata_gateway_backend_attempts_total', 'outcome="context_overflow"'),
    stopped: sum(
      'strata_gateway_backend_stop_reasons_total',
      'stop_reason="model_context_window_exceeded"',
    ),
  }
}

async function eventsOf(name: string): Promise<string[]> {
  const events = config.makeApiClient(EventsV1Api)
  const list = await events.listNamespacedEvent({
    namespace: world.team,
    fieldSelector: `regarding.name=${name}`,
  })
  return list.items.map((event) => event.reason ?? '')
}
