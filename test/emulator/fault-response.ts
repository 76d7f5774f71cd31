// Scripted faults that replace a whole answer, shared by every API surface. The surface only says
// how to render an error; hangs, resets and the mapping of in-stream faults live here once.
import { httpNameOfStreamException } from './aws-errors.ts'
import { untilAborted } from './http-io.ts'
import type { Exchange } from './router.ts'
import type { ErrorFault, Fault } from './scenarios.ts'

export type SendFault = (fault: ErrorFault) => void

/**
 * Answers with the fault when it replaces the response; returns true when it did. On a stream,
 * faults that fire after some events (`midStreamException`, `reset` with `afterEvents`) are left
 * to the stream writer.
 */
export async function answeredByFault(
  exchange: Exchange,
  fault: Fault | undefined,
  stream: boolean,
  send: SendFault,
): Promise<boolean> {
  switch (fault?.kind) {
    case undefined:
      return false
    case 'error':
    case 'httpError':
      // writeHead merges headers set before it, so every surface's renderer carries this one.
      if (fault.retryAfterSeconds !== undefined)
        exchange.res.setHeader('Retry-After', String(fault.retryAfterSeconds))
      send(fault)
      return true
    case 'hang':
      await untilAborted(exchange.signal)
      return true
    case 'reset':
      if (stream && fault.afterEvents !== undefined) return false
      exchange.resetConnection()
      return true
    case 'midStreamException': {
      if (stream) return false
      // Outside a stream the same failure can only be an ordinary error response.
      const exception = httpNameOfStreamException(fault.exception)
      send(
        fault.message === undefined
          ? { kind: 'error', exception }
          : { kind: 'error', exception, message: fault.message },
      )
      return true
    }
  }
}
