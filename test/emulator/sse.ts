// Server-sent events as the OpenAI-compatible streams use them (WHATWG HTML "Server-sent
// events"; OpenAI API reference "Streaming"): Chat Completions sends bare `data:` lines ending in
// `data: [DONE]`, Responses names each event with an `event:` line. The writer paces deltas and
// applies the in-stream faults the same way the ConverseStream writer does.
import type { ServerResponse } from 'node:http'
import { pause, write } from './http-io.ts'
import type { Exchange } from './router.ts'
import type { Fault, Scenario } from './scenarios.ts'

export function sseData(body: unknown): string {
  return `data: ${JSON.stringify(body)}\n\n`
}

export function sseEvent(type: string, body: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(body)}\n\n`
}

export const sseDone = 'data: [DONE]\n\n'

export interface SseItem {
  text: string
  /** Deltas carry generated tokens, so the scripted token delays apply before them. */
  delta: boolean
}

export type MidStreamFault = Extract<Fault, { kind: 'midStreamException' }>

export function writeSseHead(res: ServerResponse, requestId: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'x-request-id': requestId,
    'x-amzn-RequestId': requestId,
  })
  res.flushHeaders()
}

/**
 * Writes the items, cutting after `afterEvents` of them for a mid-stream fault: the error item
 * from `errorItem` ends the stream then, or the connection is reset.
 */
export async function streamSse(
  exchange: Exchange,
  items: Iterable<SseItem>,
  scenario: Scenario,
  errorItem: (fault: MidStreamFault, sent: number) => string,
): Promise<void> {
  const { res, signal } = exchange
  const fault = scenario.fault
  const cutAfter =
    fault?.kind === 'midStreamException' || fault?.kind === 'reset' ? fault.afterEvents : undefined
  writeSseHead(res, exchange.requestId)
  let sent = 0
  let deltas = 0
  for (const item of items) {
    if (sent === cutAfter) break
    if (item.delta) {
      const delay = deltas++ === 0 ? scenario.firstTokenDelayMs : scenario.tokenDelayMs
      if (!(await pause(delay ?? 0, signal))) return
    }
    if (!(await write(res, Buffer.from(item.text, 'utf8'), signal))) return
    sent++
  }
  if (fault?.kind === 'reset') {
    exchange.resetConnection()
    return
  }
  if (fault?.kind === 'midStreamException') {
    if (!(await write(res, Buffer.from(errorItem(fault, sent), 'utf8'), signal))) return
  }
  res.end()
}

/** How long a non-streamed answer takes: first token, then one token delay per further delta. */
export function generationDelayMs(scenario: Scenario, deltas: number): number {
  return (scenario.firstTokenDelayMs ?? 0) + (scenario.tokenDelayMs ?? 0) * Math.max(0, deltas - 1)
}
