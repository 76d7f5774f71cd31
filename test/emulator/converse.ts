// Bedrock Runtime Converse and ConverseStream (docs/reference/bedrock-runtime.md, event-stream.md):
// POST /model/{modelId}/converse → JSON, POST /model/{modelId}/converse-stream → event stream.
// A request first consumes its scenario, so scripted faults (throttling, resets) win over
// validation the way front-door failures do, and every request uses up exactly one entry.
import {
  defaultExceptionMessage,
  httpNameOfStreamException,
  sendAwsError,
  sendAwsFault,
} from './aws-errors.ts'
import { converseResponse, converseStreamEvents } from './converse-output.ts'
import { planReply, type ReplyPlan } from './converse-reply.ts'
import { validateConverseRequest } from './converse-validation.ts'
import { guardConverse } from './guardrails.ts'
import { takeScenario, type EmulatorState } from './emulator-state.ts'
import { eventFrame, exceptionFrame } from './event-stream-encoder.ts'
import { answeredByFault } from './fault-response.ts'
import { pause, sendJson, write } from './http-io.ts'
import type { Exchange, Route } from './router.ts'
import type { ConverseOperation, Scenario } from './scenarios.ts'

const defaultChunkSize = 16

function elapsed(exchange: Exchange): () => number {
  return () => Math.round(performance.now() - exchange.startedAt)
}

async function sendConverse(
  exchange: Exchange,
  plan: ReplyPlan,
  scenario: Scenario,
  trace: Record<string, unknown> | undefined,
): Promise<void> {
  // Generation time as if streamed: first token, then one token delay per further delta.
  const chunkSize = scenario.chunkSize ?? defaultChunkSize
  const events = [...converseStreamEvents(plan, { chunkSize, elapsedMs: () => 0 })]
  const deltas = events.filter((event) => event.type === 'contentBlockDelta').length
  const wait =
    (scenario.firstTokenDelayMs ?? 0) + (scenario.tokenDelayMs ?? 0) * Math.max(0, deltas - 1)
  if (!(await pause(wait, exchange.signal))) return
  const body = { ...converseResponse(plan, elapsed(exchange)()), ...(trace ? { trace } : {}) }
  sendJson(exchange.res, 200, body, { 'x-amzn-RequestId': exchange.requestId })
}

async function sendConverseStream(
  exchange: Exchange,
  plan: ReplyPlan,
  scenario: Scenario,
  trace: Record<string, unknown> | undefined,
): Promise<void> {
  const { res, signal } = exchange
  const fault = scenario.fault
  const cutAfter =
    fault?.kind === 'midStreamException' || fault?.kind === 'reset' ? fault.afterEvents : undefined
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'x-amzn-RequestId': exchange.requestId,
  })
  res.flushHeaders()
  const events = converseStreamEvents(plan, {
    chunkSize: scenario.chunkSize ?? defaultChunkSize,
    elapsedMs: elapsed(exchange),
  })
  let sent = 0
  let deltas = 0
  for (const event of events) {
    if (sent === cutAfter) break
    if (event.type === 'contentBlockDelta') {
      const delay = deltas++ === 0 ? scenario.firstTokenDelayMs : scenario.tokenDelayMs
      if (!(await pause(delay ?? 0, signal))) return
    }
    // The guardrail trace travels in the stream's last event, metadata.
    const body = event.type === 'metadata' && trace ? { ...event.body, trace } : event.body
    if (!(await write(res, eventFrame(event.type, body), signal))) return
    sent++
  }
  if (fault?.kind === 'reset') {
    exchange.resetConnection()
    return
  }
  if (fault?.kind === 'midStreamException') {
    const message =
      fault.message ?? defaultExceptionMessage(httpNameOfStreamException(fault.exception))
    if (!(await write(res, exceptionFrame(fault.exception, { message }), signal))) return
  }
  res.end()
}

async function handle(
  exchange: Exchange,
  state: EmulatorState,
  operation: ConverseOperation,
): Promise<void> {
  const stream = operation === 'converse-stream'
  const modelId = exchange.params['modelId'] ?? ''
  const scenario = takeScenario(state, { operation, modelId }) ?? {}
  const sendFault = sendAwsFault.bind(undefined, exchange.res, exchange.requestId)
  if (await answeredByFault(exchange, scenario.fault, stream, sendFault)) return
  if (!state.profiles.resolvesModelId(modelId)) {
    const message = `The specified inference profile ${modelId} was not found.`
    sendAwsError(exchange.res, exchange.requestId, 'ResourceNotFoundException', message)
    return
  }
  const validation = validateConverseRequest(exchange.body)
  if (!validation.ok) {
    sendAwsError(exchange.res, exchange.requestId, 'ValidationException', validation.message)
    return
  }
  const { plan, trace } = guardConverse(
    validation.request,
    planReply(validation.request, scenario.reply),
  )
  if (stream) await sendConverseStream(exchange, plan, scenario, trace)
  else await sendConverse(exchange, plan, scenario, trace)
}

export function converseRoutes(state: EmulatorState): Route[] {
  return (['converse', 'converse-stream'] as const).map((operation) => ({
    method: 'POST',
    pattern: `/model/{modelId}/${operation}`,
    operation,
    handle: (exchange) => handle(exchange, state, operation),
  }))
}
