// A small structured logger: one JSON object per line, which log collectors on Kubernetes parse
// without configuration. Callers pass fields they chose; nothing logs request headers or bodies.
export type LogFields = Record<string, unknown>

export interface Logger {
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

export function createJsonLogger(
  write: (line: string) => void,
  clock: () => number = Date.now,
): Logger {
  function log(level: string, message: string, fields: LogFields = {}): void {
    write(
      `${JSON.stringify({ time: new Date(clock()).toISOString(), level, message, ...fields })}\n`,
    )
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
