// The access log, content capture and price table as server.ts wires them from its flags: kept
// apart so server.ts gains one line, and testable without starting a server.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Logger } from './app-logger.ts'
import { accessLogListener } from './observe/access-log.ts'
import { createContentCapture, type ContentCapture } from './observe/content-capture.ts'
import {
  defaultPriceTable,
  parsePriceTable,
  withOverrides,
  type PriceTable,
} from './observe/cost.ts'
import type { RecordListener } from './observe/request-record.ts'

export interface ObservabilityConfig {
  priceTableFile?: string | undefined
  accessLog: boolean
  logContent: boolean
}

export interface Observability {
  prices: PriceTable
  /** The access log, when on. */
  listeners: RecordListener[]
  contentCapture?: ContentCapture
}

/** A bad price table file is fatal at start-up: wrong costs that look right help nobody. */
export async function observability(
  config: ObservabilityConfig,
  logger: Logger,
): Promise<Observability> {
  let prices = defaultPriceTable
  if (config.priceTableFile !== undefined) {
    const path = resolve(config.priceTableFile)
    prices = withOverrides(parsePriceTable(await readFile(path, 'utf8'), path))
  }
  const content = config.accessLog && config.logContent ? createContentCapture() : undefined
  if (!config.accessLog) return { prices, listeners: [] }
  return {
    prices,
    listeners: [accessLogListener({ logger, prices, ...(content ? { content } : {}) })],
    ...(content ? { contentCapture: content } : {}),
  }
}
