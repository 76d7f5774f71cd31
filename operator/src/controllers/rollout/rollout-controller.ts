// Drives every declared rollout, on the leader only (it is built by manager.ts): once a second it
// reads each ModelRoute with spec.rollout from the informer cache, measures the gates when an
// evaluation is due (measure-gates.ts), lets rollout-decision.ts decide, and applies the result to
// status.rollout and the Rollout condition under a field manager of its own. The table follows
// from that status (rollout-weights.ts), through the route event filter and the publisher.
import {
  MODEL_ROUTE_KIND,
  MODEL_ROUTE_PLURAL,
  ROLLOUT_CONDITION_TYPE,
  ROLLOUT_CONTROL_ANNOTATION,
  rolloutControls,
  type GateResult,
  type ModelRoute,
  type RolloutControl,
  type RolloutStatus,
} from '@strata/crds'
import { describeError } from '../../kube/errors.ts'
import type { KubeClient } from '../../kube/kube-client.ts'
import type { TypedCache } from '../../kube/typed-cache.ts'
import type { OperatorMetrics } from '../../metrics.ts'
import { nextConditions } from '../conditions.ts'
import { gateVerdicts } from './gate-verdicts.ts'
import { measureGates } from './measure-gates.ts'
import type { PrometheusClient } from './prometheus-client.ts'
import { decideRollout, evaluationDue, rolloutCondition } from './rollout-decision.ts'
import { recordRolloutMetrics, forgetRolloutMetrics } from './rollout-metrics.ts'

export const ROLLOUT_FIELD_MANAGER = 'strata-operator-rollout'

export interface RolloutControllerDeps {
  kube: Pick<KubeClient, 'applyStatus' | 'event'>
  routes: Pick<TypedCache<ModelRoute>, 'list'>
  /** Undefined when the operator has no Prometheus address: rollouts stay Blocked. */
  prometheus: PrometheusClient | undefined
  metrics: OperatorMetrics
  now: () => Date
  log: (message: string) => void
  tickMs?: number
}

function controlOf(route: ModelRoute): RolloutControl | undefined {
  const value = route.metadata.annotations?.[ROLLOUT_CONTROL_ANNOTATION]?.trim()
  return rolloutControls.find((control) => control === value)
}

export class RolloutController {
  readonly #deps: RolloutControllerDeps
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #running: Promise<void> | undefined
  /**
   * What this controller last wrote per route, and the status it replaced: until the cache shows
   * the write, the next tick decides from what was written, never from the older status.
   */
  readonly #written = new Map<string, { before: string; after: RolloutStatus }>()
  readonly #tracked = new Set<string>()

  constructor(deps: RolloutControllerDeps) {
    this.#deps = deps
  }

  start(): void {
    const loop = () => {
      if (this.#stopped) return
      this.#running = this.tick().finally(() => {
        this.#running = undefined
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#deps.tickMs ?? 1000)
      })
    }
    loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  /** One pass over every route; exposed for tests. */
  async tick(): Promise<void> {
    const seen = new Set<string>()
    await Promise.all(
      this.#deps.routes.list().map(async (route) => {
        const key = `${route.metadata.namespace ?? ''}/${route.metadata.name ?? ''}`
        seen.add(key)
        try {
          await this.#reconcile(key, route)
        } catch (error) {
          this.#deps.log(`rollout of ModelRoute ${key} not reconciled: ${describeError(error)}`)
        }
      }),
    )
    for (const key of this.#tracked)
      if (!seen.has(key)) {
        this.#tracked.delete(key)
        this.#written.delete(key)
        forgetRolloutMetrics(this.#deps.metrics, key)
      }
  }

  async #reconcile(key: string, route: ModelRoute): Promise<void> {
    const rollout = route.spec.rollout
    const cached = route.status?.rollout
    const ref = {
      plural: MODEL_ROUTE_PLURAL,
      kind: MODEL_ROUTE_KIND,
      namespace: route.metadata.namespace ?? '',
      name: route.metadata.name ?? '',
      uid: route.metadata.uid,
    } as const
    if (rollout === undefined) {
      if (cached === undefined) return
      // An empty intent releases status.rollout and the Rollout condition: server-side apply
      // removes the fields only this manager owned.
      await this.#deps.kube.applyStatus(ref, {}, ROLLOUT_FIELD_MANAGER)
      this.#written.delete(key)
      if (this.#tracked.delete(key)) forgetRolloutMetrics(this.#deps.metrics, key)
      return
    }
    this.#tracked.add(key)
    const memo = this.#written.get(key)
    const status = memo && memo.before === JSON.stringify(cached ?? null) ? memo.after : cached
    const now = this.#deps.now()
    const { prometheus } = this.#deps
    let gates: GateResult[] | undefined
    let measureError: string | undefined
    if (prometheus && evaluationDue(rollout, status, now)) {
      try {
        const shadow = (status?.shadowPercent ?? 0) > 0
        const measured = await measureGates(prometheus, key, rollout, shadow)
        gates = gateVerdicts(measured.gates, measured.measurements, rollout.minimumRequests)
      } catch (error) {
        measureError = describeError(error)
      }
    }
    const decision = decideRollout({
      rollout,
      status,
      control: controlOf(route),
      prometheus: prometheus !== undefined,
      gates,
      measureError,
      now,
    })
    recordRolloutMetrics(this.#deps.metrics, key, decision.status)
    if (JSON.stringify(decision.status) === JSON.stringify(status ?? null)) return
    const generation = route.metadata.generation ?? 0
    const previousCondition = route.status?.conditions?.filter(
      (condition) => condition.type === ROLLOUT_CONDITION_TYPE,
    )
    await this.#deps.kube.applyStatus(
      ref,
      {
        rollout: decision.status,
        conditions: nextConditions(
          previousCondition,
          [{ type: ROLLOUT_CONDITION_TYPE, ...rolloutCondition(decision.status) }],
          generation,
          now,
        ),
      },
      ROLLOUT_FIELD_MANAGER,
    )
    this.#written.set(key, { before: JSON.stringify(cached ?? null), after: decision.status })
    const { event } = decision
    if (event) {
      this.#deps.metrics.rolloutDecisions.inc({ route: key, reason: event.reason })
      this.#deps.log(`rollout of ModelRoute ${key}: ${event.reason}: ${event.message}`)
      await this.#deps.kube.event(ref, event.type, event.reason, event.message, 'Rollout')
    }
  }
}
