// A fetch that sends a request once more when its connection failed before any answer came back.
// Over HTTP/1.1 keep-alive, a connection the server closes (a draining pod ending its sockets, an
// idle timeout) can meet a request the client is just sending on it; nothing reached the server's
// handler, and the official OpenAI SDKs retry such a failure by default. The load client counts
// those second tries instead of hiding them, with the cause each first try failed on, so a test
// can bound them and a reader can see what closed.

export interface Reconnects {
  count: number
  /** The cause of each first try's failure, e.g. "UND_ERR_SOCKET other side closed". */
  causes: string[]
}

const keptCauses = 5

/** The innermost cause of a fetch failure, with its code when it has one. */
export function causeOf(error: unknown): string {
  let inner: unknown = error
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause
  if (!(inner instanceof Error)) return String(inner)
  const code = (inner as { code?: unknown }).code
  return typeof code === 'string' ? `${code} ${inner.message}` : inner.message
}

export function reconnectingFetch(reconnects: Reconnects): typeof fetch {
  return async (input, init) => {
    try {
      return await fetch(input, init)
    } catch (error) {
      // A deadline or the caller's abort is not a connection that failed: no second try.
      if (init?.signal?.aborted === true) throw error
      reconnects.count += 1
      if (reconnects.causes.length < keptCauses) reconnects.causes.push(causeOf(error))
      return fetch(input, init)
    }
  }
}
