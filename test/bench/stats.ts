// Small, dependency-free statistics for the benchmark: percentiles of latency samples and the
// median of per-round figures (rounds alternate targets, and the median drops a noisy round).

/** The q-quantile (0..1) by nearest rank on a copy; NaN for no samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value))
  return percentile(finite, 0.5)
}

export interface LatencySummary {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ??
        Number.NaN)
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/** CPU split into what each chunk costs and what each stream costs however long it is. */
export interface StreamCostSplit {
  perChunkMicros: number
  perStreamMicros: number
}

/**
 * splitStreamCost solves cost per chunk = perChunk + perStream / chunks for two stream lengths:
 * CPU per chunk measured with short and with long streams at the same concurrency.
 */
export function splitStreamCost(
  short: { chunks: number; microsPerChunk: number },
  long: { chunks: number; microsPerChunk: number },
): StreamCostSplit {
  const perStreamMicros =
    (short.microsPerChunk - long.microsPerChunk) / (1 / short.chunks - 1 / long.chunks)
  return { perChunkMicros: short.microsPerChunk - perStreamMicros / short.chunks, perStreamMicros }
}
