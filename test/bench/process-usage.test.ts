import { describe, expect, it } from 'vitest'
import { cpuSeconds, peakRssMebibytes, processTree, rssMebibytes } from './process-usage.ts'

describe('process usage from /proc', () => {
  it('counts the CPU this process burns', () => {
    // The machine is shared, so spin on wall time until the CPU clock moves, with a deadline.
    const before = cpuSeconds([process.pid])
    const deadline = performance.now() + 5_000
    while (cpuSeconds([process.pid]) - before < 0.05 && performance.now() < deadline) {
      for (let spin = 0; spin < 1e5; spin++) Math.sqrt(spin)
    }
    expect(cpuSeconds([process.pid]) - before).toBeGreaterThanOrEqual(0.05)
  })

  it('reads resident memory and its peak', () => {
    const rss = rssMebibytes([process.pid])
    expect(rss).toBeGreaterThan(10)
    expect(peakRssMebibytes([process.pid])).toBeGreaterThanOrEqual(rss)
  })

  it('finds a process tree rooted at this process', () => {
    expect(processTree(process.pid)[0]).toBe(process.pid)
  })
})
