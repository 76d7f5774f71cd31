// A small structured logger: one JSON object per line, which log collectors on Kubernetes parse
// without configuration. Callers pass fields they chose; nothing logs request headers or bodies.
export type LogFields = Record<string, unknown>

export interface Logger {
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

// The access log writes a line per request, so the line is built as text around one
// JSON.stringify of the caller's fields rather than by spreading them into a new object.
const reserved = ['time', 'level', 'message']

export function createJsonLogger(
  write: (line: string) => void,
  clock: () => number = Date.now,
): Logger {
  // Several lines share a millisecond under load; formatting the date once for them is enough.
  let lastMs = NaN
  let lastTime = ''
  function log(level: string, message: string, fields?: LogFields): void {
    const now = clock()
    if (now !== lastMs) {
      lastMs = now
      lastTime = new Date(now).toISOString()
    }
    const head = `{"time":"${lastTime}","level":"${level}","message":${JSON.stringify(message)}`
    if (fields === undefined) {
      write(`${head}}\n`)
      return
    }
    // A field named like one of the three above replaces it, as a spread after them did.
    if (reserved.some((name) => Object.hasOwn(fields, name))) {
      write(`${JSON.stringify({ time: lastTime, level, message, ...fields })}\n`)
      return
    }
    const rest = JSON.stringify(fields)
    write(rest.length === 2 ? `${head}}\n` : `${head},${rest.slice(1)}\n`)
  }
  return {
    info: (message, fields) => {
      log('info', message, fields)
    },
    warn: (message, fields) => {
      log('warn', message, fields)
    },
    error: (message, fields) => {
      log('error', message, fields)
    },
  }
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

/** An error as log fields: name, message and the cause chain, never a request body. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) }
  const fields: LogFields = { error: error.message, errorName: error.name }
  if (error.cause !== undefined) fields['cause'] = errorFields(error.cause)
  return fields
}
