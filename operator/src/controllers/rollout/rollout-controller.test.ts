import { modelRouteSchema, type ModelRoute, type ModelRouteStatus } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { createOperatorMetrics } from '../../metrics.ts'
import type { ObjectRef } from '../../kube/kube-client.ts'
import { PrometheusError, type PrometheusClient } from './prometheus-client.ts'
import { ROLLOUT_FIELD_MANAGER, RolloutController } from './rollout-controller.ts'

function route(annotations: Record<string, string> = {}, rollout = true): ModelRoute {
  return modelRouteSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name: 'chat', namespace: 'team', generation: 1, annotations },
    spec: {
      projectRef: { name: 'support' },
      model: 'chat',
      backends: [
        { name: 'old', kind: 'mantle', modelId: 'openai.gpt-oss-20b' },
        { name: 'new', kind: 'mantle', modelId: 'openai.gpt-oss-120b' },
      ],
      ...(rollout
        ? {
            rollout: {
              stable: 'old',
              candidate: 'new',
              steps: [
                { weight: 10, durationSeconds: 10 },
                { weight: 50, durationSeconds: 10 },
              ],
              intervalSeconds: 5,
              gates: { errorRate: { maxIncreasePercent: 5 } },
            },
          }
        : {}),
    },
  })
}

/** The cache, the writes and the Events, as the apiserver and the informer would hold them. */
function world(initial: ModelRoute, prometheus: PrometheusClient | undefined) {
  let current = initial
  let seconds = 0
  const writes: { status: ModelRouteStatus; manager: string }[] = []
  const events: string[] = []
  /** Whether a write reaches the cache at once, or only when `sync` is called. */
  let lagging = false
  const kube = {
    applyStatus: (_ref: ObjectRef, status: ModelRouteStatus, manager?: string) => {
      writes.push({ status, manager: manager ?? 'strata-operator' })
      if (!lagging) current = { ...current, status }
      return Promise.resolve()
    },
    event: (_ref: ObjectRef, _type: string, reason: string) => {
      events.push(reason)
      return Promise.resolve()
    },
  }
  const controller = new RolloutController({
    kube,
    routes: { list: () => [current] },
    prometheus,
    metrics: createOperatorMetrics(),
    now: () => new Date(Date.UTC(2026, 11, 7, 2, 0, seconds)),
    log: () => undefined,
  })
  return {
    controller,
    writes,
    events,
    at: (value: number) => (seconds = value),
    replace: (next: ModelRoute) => (current = { ...next, status: current.status }),
    lag: (on: boolean) => (lagging = on),
    rollout: () => current.status?.rollout,
  }
}

/** Answers every query: 100 attempts per side, no failures. */
const healthy: PrometheusClient = {
  value: (query) => Promise.resolve(query.includes('outcome="failure"') ? 0 : 100),
}

describe('RolloutController', () => {
  it('starts, measures when due, advances after the step, under its own field manager', async () => {
    const w = world(route(), healthy)
    await w.controller.tick()
    expect(w.rollout()).toMatchObject({ phase: 'Progressing', step: 0, weight: 10 })
    expect(w.writes[0]?.manager).toBe(ROLLOUT_FIELD_MANAGER)
    expect(w.writes[0]?.status.conditions?.[0]).toMatchObject({ type: 'Rollout', status: 'True' })
    w.at(1)
    await w.controller.tick()
    expect(w.rollout()?.gates?.[0]).toMatchObject({ gate: 'errorRate', verdict: 'Pass' })
    w.at(3)
    const writes = w.writes.length
    await w.controller.tick()
    expect(w.writes).toHaveLength(writes)
    w.at(11)
    await w.controller.tick()
    expect(w.rollout()).toMatchObject({ step: 1, weight: 50 })
    expect(w.events).toEqual(['RolloutStarted', 'RolloutAdvanced'])
  })

  it('decides from its own write while the cache still shows the older status', async () => {
    const w = world(route(), healthy)
    await w.controller.tick()
    w.lag(true)
    w.at(11)
    await w.controller.tick()
    // The cache still says step 0, never evaluated: deciding from it would advance again.
    w.at(12)
    await w.controller.tick()
    w.at(22)
    await w.controller.tick()
    expect(w.events).toEqual(['RolloutStarted', 'RolloutAdvanced', 'RolloutPromoted'])
    expect(w.writes.map((write) => write.status.rollout?.phase)).toEqual([
      'Progressing',
      'Progressing',
      'Promoted',
    ])
    expect(w.writes[1]?.status.rollout?.stepStartedAt).toBe('2026-12-07T02:00:11Z')
  })

  it('stays Blocked without Prometheus and says so once', async () => {
    const w = world(route(), undefined)
    await w.controller.tick()
    w.at(30)
    await w.controller.tick()
    expect(w.rollout()).toMatchObject({ phase: 'Blocked', weight: 0 })
    expect(w.events).toEqual(['PrometheusNotConfigured'])
  })

  it('waits and warns when Prometheus cannot be read', async () => {
    const down: PrometheusClient = {
      value: () => Promise.reject(new PrometheusError('Prometheus at x cannot be reached')),
    }
    const w = world(route(), down)
    await w.controller.tick()
    w.at(1)
    await w.controller.tick()
    expect(w.rollout()).toMatchObject({ step: 0, reason: 'MetricsUnavailable' })
    expect(w.events).toEqual(['RolloutStarted', 'MetricsUnavailable'])
  })

  it('obeys the annotation and releases its status when the rollout is removed', async () => {
    const w = world(route(), healthy)
    await w.controller.tick()
    w.replace(route({ 'strata.dev/rollout': 'abort' }))
    await w.controller.tick()
    expect(w.rollout()).toMatchObject({ phase: 'RolledBack', reason: 'Aborted', weight: 0 })
    w.replace(route({}, false))
    await w.controller.tick()
    expect(w.writes.at(-1)).toEqual({ status: {}, manager: ROLLOUT_FIELD_MANAGER })
  })
})
