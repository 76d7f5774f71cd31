// One structured JSON line per API request, written when its record closes: who (project, route,
// model), through what (backend kind and name, operation, streaming), how it ended (status, error
// type, upstream's stop reason), what it used (tokens by type, cost) and how long it took (latency, time to first token,
// the gateway's own overhead). No prompt or completion text unless --log-content, and never a key
// or an Authorization header: the record holds neither.
import type { LogFields, Logger } from '../app-logger.ts'
import type { ContentCapture } from './content-capture.ts'
import { recordCostUsd, type PriceTable } from './cost.ts'
import { errorTypeOf, recordLabels } from './record-labels.ts'
import { overheadMs, type RecordListener, type RequestRecord } from './request-record.ts'

export const ACCESS_LOG_MESSAGE = 'access'

const ms = (value: number): number => Math.round(value * 100) / 100

export function accessLogFields(record: Readonly<RequestRecord>, prices: PriceTable): LogFields {
  const labels = recordLabels(record)
  const end = record.finishedAt ?? record.startedAt
  const cost = recordCostUsd(record, prices)
  return {
    project: labels.project || undefined,
    route: labels.route || undefined,
    model: record.model,
    backend: record.backend?.kind,
    backendName: record.backend?.name,
    bedrockModel: record.backend?.modelId,
    operation: record.operation,
    stream: record.stream,
    status: record.status,
    errorType: errorTypeOf(record) || undefined,
    stopReason: record.stopReason,
    tokens: record.usage,
    latencyMs: ms(end - record.startedAt),
    ttftMs:
      record.firstTokenAt === undefined ? undefined : ms(record.firstTokenAt - record.startedAt),
    overheadMs: ms(overheadMs(record, end)),
    // Rounded to a micro-dollar: the figure is an estimate, and shorter lines are cheaper to keep.
    costUsd: cost === undefined ? undefined : Math.round(cost * 1e6) / 1e6,
    attempts: record.attempts,
    fallbacks: record.fallbacks,
  }
}

export interface AccessLogOptions {
  logger: Logger
  prices: PriceTable
  /** Set only with --log-content: adds the request and the answer text, truncated. */
  content?: ContentCapture
}

export function accessLogListener(options: AccessLogOptions): RecordListener {
  const { logger, prices, content } = options
  return {
    finished(record) {
      const fields = accessLogFields(record, prices)
      const captured = content?.take(record)
      if (captured === undefined) {
        logger.info(ACCESS_LOG_MESSAGE, fields)
        return
      }
      // A stream's answer is complete once its body has been read out, just after the close.
      void captured.then(
        ({ request, answer }) => {
          logger.info(ACCESS_LOG_MESSAGE, { ...fields, request, answer })
        },
        () => {
          logger.info(ACCESS_LOG_MESSAGE, fields)
        },
      )
    },
  }
}
