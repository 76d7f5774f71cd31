// Controller metrics under controller-runtime's names, so dashboards built for Go operators work
// for ours; plus the routing table's own. A private registry, bounded labels only.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export function createOperatorMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labelNames = ['controller'] as const
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller and result.',
      labelNames: ['controller', 'result'] as const,
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller.',
      labelNames,
      registers: [registry],
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller.',
      labelNames,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the work queue.',
      labelNames: ['name'] as const,
      registers: [registry],
    }),
    queueRetries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by the work queue.',
      labelNames: ['name'] as const,
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'strata_operator_leader',
      help: '1 while this instance holds the leader lease.',
      registers: [registry],
    }),
    tableVersion: new Gauge({
      name: 'strata_routing_table_version',
      help: 'Version of the routing table last published or confirmed.',
      registers: [registry],
    }),
    statusWrites: new Counter({
      name: 'strata_operator_status_writes_total',
      help: 'Status writes the operator sent, by kind; a change to one object should cost O(1).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    rolloutPhase: new Gauge({
      name: 'strata_rollout_phase',
      help: 'Phase of each ModelRoute rollout: 1 for the current phase, 0 for the others.',
      labelNames: ['route', 'phase'] as const,
      registers: [registry],
    }),
    rolloutStep: new Gauge({
      name: 'strata_rollout_step',
      help: 'Index of the current rollout step (0-based).',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    rolloutWeight: new Gauge({
      name: 'strata_rollout_weight_percent',
      help: 'Percent of the traffic the rollout candidate takes now, as written in the routing table.',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    rolloutGatePassed: new Gauge({
      name: 'strata_rollout_gate_passed',
      help: 'Each rollout gate at its last evaluation: 1 passed, 0 failed, -1 not enough data.',
      labelNames: ['route', 'gate'] as const,
      registers: [registry],
    }),
    rolloutGateValue: new Gauge({
      name: 'strata_rollout_gate_value',
      help: 'The value each rollout gate compared at its last evaluation, per side (candidate, stable).',
      labelNames: ['route', 'gate', 'side'] as const,
      registers: [registry],
    }),
    rolloutDecisions: new Counter({
      name: 'strata_rollout_decisions_total',
      help: 'Rollout decisions by reason (RolloutAdvanced, RolledBack, RolloutPromoted, ...).',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    tablePublish: new Histogram({
      name: 'strata_routing_table_publish_seconds',
      help: 'Time to compile and publish the routing table.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
  }
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>
