// A memo for values derived from a key on the hot path (request URLs, SigV4's canonical paths and
// header values): a gateway sees a handful of distinct keys, so each is derived once. The keys
// come from routing tables and callers, which change, so past `limit` entries the memo starts
// over rather than grow. Values are shared between callers: nothing may modify them.

/** A bounded memo of values by a key the caller builds from everything the value depends on. */
export function boundedMemo<V>(limit: number): (key: string, make: () => V) => V {
  const values = new Map<string, V>()
  return (key, make) => {
    let value = values.get(key)
    if (value === undefined) {
      if (values.size >= limit) values.clear()
      value = make()
      values.set(key, value)
    }
    return value
  }
}
