// Which (route, backend) pairs a counter has seen. Some counters give each pair every value's
// series from its first request, at zero, so that rate() sees the first real increment (a series
// that appears at 1 reads as no change). Adding zero to every value on every request did that too, at
// the price of prom-client building and checking a label key per value, per request: garbage that
// a busy gateway pays again in the collector (docs/gateway-performance.md, tenth pass). Here the
// zeros go in once per pair. One set per registry's metrics, never shared between them.
export type FirstSeen = (route: string, backendName: string) => boolean

export function firstSeen(): FirstSeen {
  const seen = new Set<string>()
  return (route, backendName) => {
    // Length-prefixed, so that no two pairs share a key.
    const key = `${String(route.length)}:${route}${backendName}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
}
