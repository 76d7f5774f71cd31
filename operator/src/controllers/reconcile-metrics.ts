// A reconciler as the work queue's handler, measured under controller-runtime's metric names
// (reconcile count by result, errors, time, active workers, queue depth and retries), so a
// reconciler itself knows nothing of metrics.
import { describeError } from '../kube/errors.ts'
import type { OperatorMetrics } from '../metrics.ts'
import type { ReconcileOutcome, WorkQueueOptions } from './work-queue.ts'

export interface MeasuredQueue {
  /** The controller's name in the metric labels, e.g. bedrockproject. */
  controller: string
  reconciler: { reconcile: (key: string) => Promise<ReconcileOutcome> }
  /** The queue's current depth, read after each reconcile. */
  depth: () => number
  metrics: OperatorMetrics
  log: (message: string) => void
}

export function measuredHandlers(
  queue: MeasuredQueue,
): Pick<WorkQueueOptions, 'handler' | 'onError'> {
  const { controller, metrics } = queue
  return {
    handler: async (key) => {
      const end = metrics.reconcileTime.startTimer({ controller })
      metrics.activeWorkers.inc({ controller })
      try {
        const outcome = await queue.reconciler.reconcile(key)
        metrics.reconcileTotal.inc({
          controller,
          result: outcome?.requeueAfterMs ? 'requeue_after' : 'success',
        })
        return outcome
      } catch (error) {
        metrics.reconcileTotal.inc({ controller, result: 'error' })
        metrics.reconcileErrors.inc({ controller })
        throw error
      } finally {
        end()
        metrics.activeWorkers.dec({ controller })
        metrics.queueDepth.set({ name: controller }, queue.depth())
      }
    },
    onError: (key, error, retryInMs) => {
      metrics.queueRetries.inc({ name: controller })
      queue.log(`reconcile ${key} failed, retry in ${retryInMs} ms: ${describeError(error)}`)
    },
  }
}
