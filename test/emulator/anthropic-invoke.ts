// Claude on Bedrock Runtime through the model-native APIs (Bedrock user guide, "Anthropic Claude
// Messages API"; API reference InvokeModel, InvokeModelWithResponseStream and CountTokens):
// - POST /model/{modelId}/invoke with an Anthropic body → one Message as JSON, token counts in
//   `x-amzn-bedrock-input-token-count` / `-output-token-count`;
// - POST /model/{modelId}/invoke-with-response-stream → an event stream of `chunk` events whose
//   payload is {"bytes": base64 of one Messages streaming event JSON}; failures after the 200 are
//   exception frames;
// - POST /model/{modelId}/count-tokens with {"input":{"invokeModel":{"body": base64}}} →
//   {"inputTokens": n}, the count InvokeModel would report for the same body.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import {
  defaultExceptionMessage,
  httpNameOfStreamException,
  sendAwsError,
  sendAwsFault,
} from './aws-errors.ts'
import {
  claudeMessage,
  claudeStreamEvents,
  inputTokensOf,
  planClaudeReply,
} from './anthropic-output.ts'
import { validateAnthropicBody } from './anthropic-validation.ts'
import { takeScenario, type EmulatorState } from './emulator-state.ts'
import { eventFrame, exceptionFrame } from './event-stream-encoder.ts'
import { answeredByFault } from './fault-response.ts'
import { pause, sendJson, write } from './http-io.ts'
import { baseModelId } from './base-model.ts'
import type { Exchange, Route } from './router.ts'
import type { Scenario } from './scenarios.ts'
import { generationDelayMs } from './sse.ts'

const defaultChunkSize = 16

export function isClaude(baseId: string): boolean {
  return baseId.startsWith('anthropic.claude')
}

/** `anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5-20250929`, as the body names it. */
function anthropicModelName(baseId: string): string {
  return baseId.replace(/^anthropic\./, '').replace(/-v\d+(:\d+)?$/, '')
}

const messageId = (): string => `msg_bdrk_${randomBytes(12).toString('base64url')}`

function elapsed(exchange: Exchange): () => number {
  return () => Math.round(performance.now() - exchange.startedAt)
}

/** InvokeModel for a Claude model; invoke-model.ts has taken the scenario and resolved the model. */
export async function invokeClaude(
  exchange: Exchange,
  scenario: Scenario,
  baseId: string,
): Promise<void> {
  const { res, requestId } = exchange
  const validation = validateAnthropicBody(exchange.body)
  if (!validation.ok) {
    sendAwsError(res, requestId, 'ValidationException', validation.message)
    return
  }
  const plan = planClaudeReply(validation.body, scenario.reply)
  if (!(await pause(generationDelayMs(scenario, 1), exchange.signal))) return
  const body = claudeMessage(plan, { id: messageId(), model: anthropicModelName(baseId) })
  sendJson(res, 200, body, {
    'x-amzn-RequestId': requestId,
    'x-amzn-bedrock-input-token-count': String(plan.usage.inputTokens),
    'x-amzn-bedrock-output-token-count': String(plan.usage.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(elapsed(exchange)()),
  })
}

function chunkFrame(event: unknown): Buffer {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64')
  return eventFrame('chunk', { bytes })
}

async function streamClaude(exchange: Exchange, state: EmulatorState): Promise<void> {
  const { res, requestId, signal } = exchange
  const modelId = exchange.params['modelId'] ?? ''
  const scenario = takeScenario(state, { operation: 'invoke-model-stream', modelId }) ?? {}
  const sendFault = sendAwsFault.bind(undefined, res, requestId)
  if (await answeredByFault(exchange, scenario.fault, true, sendFault)) return
  const baseId = resolveClaude(exchange, state, modelId)
  if (baseId === undefined) return
  const validation = validateAnthropicBody(exchange.body)
  if (!validation.ok) {
    sendAwsError(res, requestId, 'ValidationException', validation.message)
    return
  }
  const plan = planClaudeReply(validation.body, scenario.reply)
  const fault = scenario.fault
  const cutAfter =
    fault?.kind === 'midStreamException' || fault?.kind === 'reset' ? fault.afterEvents : undefined
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'X-Amzn-Bedrock-Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
  })
  res.flushHeaders()
  const events = claudeStreamEvents(
    plan,
    { id: messageId(), model: anthropicModelName(baseId) },
    { chunkSize: scenario.chunkSize ?? defaultChunkSize, elapsedMs: elapsed(exchange) },
  )
  let sent = 0
  let deltas = 0
  for (const event of events) {
    if (sent === cutAfter) break
    if (event.type === 'content_block_delta') {
      const delay = deltas++ === 0 ? scenario.firstTokenDelayMs : scenario.tokenDelayMs
      if (!(await pause(delay ?? 0, signal))) return
    }
    if (!(await write(res, chunkFrame(event), signal))) return
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

// The Claude model behind the path's id, or undefined once an error has been sent.
function resolveClaude(
  exchange: Exchange,
  state: EmulatorState,
  modelId: string,
): string | undefined {
  const { res, requestId } = exchange
  if (!state.profiles.resolvesModelId(modelId)) {
    sendAwsError(
      res,
      requestId,
      'ResourceNotFoundException',
      `The specified inference profile ${modelId} was not found.`,
    )
    return undefined
  }
  const baseId = baseModelId(state, modelId)
  if (baseId === undefined) {
    sendAwsError(res, requestId, 'ValidationException', 'The provided model identifier is invalid.')
    return undefined
  }
  if (!isClaude(baseId)) {
    const message = `The emulator implements this operation only for Claude models, not ${baseId}.`
    sendAwsError(res, requestId, 'ValidationException', message)
    return undefined
  }
  return baseId
}

const countTokensSchema = z.strictObject({
  input: z.strictObject({ invokeModel: z.strictObject({ body: z.base64() }) }),
})

async function countTokens(exchange: Exchange, state: EmulatorState): Promise<void> {
  const { res, requestId } = exchange
  const modelId = exchange.params['modelId'] ?? ''
  const scenario = state.scenarios.take({ operation: 'count-tokens', modelId }) ?? {}
  const sendFault = sendAwsFault.bind(undefined, res, requestId)
  if (await answeredByFault(exchange, scenario.fault, false, sendFault)) return
  if (resolveClaude(exchange, state, modelId) === undefined) return
  const parsed = countTokensSchema.safeParse(exchange.body)
  if (!parsed.success) {
    const message = 'The emulator counts tokens of an `invokeModel` body only (base64 JSON).'
    sendAwsError(res, requestId, 'ValidationException', message)
    return
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(parsed.data.input.invokeModel.body, 'base64').toString('utf8'))
  } catch {
    sendAwsError(res, requestId, 'ValidationException', 'The invokeModel body is not valid JSON.')
    return
  }
  const validation = validateAnthropicBody(body)
  if (!validation.ok) {
    sendAwsError(res, requestId, 'ValidationException', validation.message)
    return
  }
  const inputTokens = scenario.reply?.usage?.inputTokens ?? inputTokensOf(validation.body)
  sendJson(res, 200, { inputTokens }, { 'x-amzn-RequestId': requestId })
}

export function anthropicInvokeRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/model/{modelId}/invoke-with-response-stream',
      operation: 'invoke-model-stream',
      handle: (exchange) => streamClaude(exchange, state),
    },
    {
      method: 'POST',
      pattern: '/model/{modelId}/count-tokens',
      operation: 'count-tokens',
      handle: (exchange) => countTokens(exchange, state),
    },
  ]
}
