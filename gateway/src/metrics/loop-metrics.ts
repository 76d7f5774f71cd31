// The loop-delay admission's state at each scrape (middleware/adaptive-limit.ts): the smoothed
// delay it judges by and the in-flight limit that follows from it. Read at collection time, so
// nothing runs per request.
import { Gauge, type Registry } from 'prom-client'

export function registerLoopMetrics(
  registry: Registry,
  read: { delayMs: () => number; limit: () => number },
): void {
  new Gauge({
    name: 'strata_gateway_loop_delay_seconds',
    help: 'Smoothed delay of the event loop that --shed-loop-delay-ms judges by.',
    registers: [registry],
    collect() {
      this.set(read.delayMs() / 1000)
    },
  })
  new Gauge({
    name: 'strata_gateway_admission_limit',
    help: 'Model requests in flight the event loop delay allows now (+Inf until it has been late).',
    registers: [registry],
    collect() {
      this.set(read.limit())
    },
  })
}
