// `node test/bench/overload-curve.ts` (part of `make bench`): does one gateway process shed past
// its capacity instead of collapsing? Capacity is measured closed-loop first; then open-loop load
// is offered at fixed multiples of it, from half to twice, on the Converse route, with the chart's
// heap flags and in-flight bound. Prints, per rate: achieved against offered, p50/p99 of served
// requests, refusals and how fast they came; then the first request and a half-capacity run after
// the load, which show recovery. STRATA_BENCH_QUICK=1 for a smoke run.
import { curveLine, startOverloadWorld } from './overload-run.ts'

const quick = process.env['STRATA_BENCH_QUICK'] === '1'
const seconds = quick ? 3 : 8
const multiples = quick ? [0.5, 1, 2] : [0.5, 0.75, 1, 1.25, 1.5, 2]

const log = (line: string) => {
  process.stdout.write(`[overload] ${line}\n`)
}

const world = await startOverloadWorld('overload-curve')
try {
  log(
    `gateway ${world.nodeOptions.join(' ')} --max-in-flight ${String(world.maxInFlight)}; emulator answers at once, so the gateway's CPU is the limit`,
  )
  await world.capacity(2)
  const capacity = await world.capacity(seconds)
  log(
    `capacity, closed loop with wrk -c32: ${String(Math.round(capacity.requestsPerSecond))}/s, p50 ${capacity.latencyP50Ms.toFixed(1)} ms, p99 ${capacity.latencyP99Ms.toFixed(1)} ms, ${String(capacity.failures)} failures`,
  )
  for (const multiple of multiples) {
    const result = await world.offer(Math.round(capacity.requestsPerSecond * multiple), seconds)
    log(curveLine(multiple, result))
    if (multiple === multiples.at(-1)) {
      const next = await world.nextRequest()
      log(`first request after the load: ${String(next.status)} in ${next.ms.toFixed(1)} ms`)
    }
  }
  const after = await world.offer(Math.round(capacity.requestsPerSecond * 0.5), seconds)
  log(`recovery, ${curveLine(0.5, after)}`)
} finally {
  await world.stop()
}
