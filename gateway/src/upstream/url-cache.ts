// Request URLs kept per client. A gateway calls a handful of (region, model, operation)
// combinations, and parsing an endpoint and an operation URL on every request showed in the
// profile (docs/gateway-performance.md). The URLs are shared, so nothing may modify them.

/** A bounded memo of URLs by a key the caller builds from everything the URL depends on. */
export function urlCache(limit = 1024): (key: string, make: () => URL) => URL {
  const urls = new Map<string, URL>()
  return (key, make) => {
    let url = urls.get(key)
    if (url === undefined) {
      // Model ids come from the routing table, which can change; a bound keeps old ones from
      // piling up.
      if (urls.size >= limit) urls.clear()
      url = make()
      urls.set(key, url)
    }
    return url
  }
}
