// Mantle's Chat Completions and Responses handlers (docs/reference/mantle.md): admission, then
// the scripted or echoed reply as JSON or as an SSE stream. A mid-stream fault ends a chat stream
// with `data: {"error": …}` (what the openai SDK turns into an APIError) and a Responses stream
// with `error` + `response.failed`; neither sends `[DONE]` afterwards.
import { httpNameOfStreamException } from './aws-errors.ts'
import { chatCompletion, chatCompletionChunks, type ChatMeta } from './chat-completions-output.ts'
import { planPromptReply, type ReplyPlan } from './converse-reply.ts'
import type { EmulatorState } from './emulator-state.ts'
import { pause, sendJson } from './http-io.ts'
import { randomHex } from './ids.ts'
import { admitInference } from './mantle-admission.ts'
import type { MantlePrefix } from './mantle-models.ts'
import {
  chatPrompt,
  chatRequestSchema,
  responsesPrompt,
  responsesRequestSchema,
} from './mantle-requests.ts'
import { openAIFailureOfException } from './openai-errors.ts'
import { failureEvents, responsesEvents } from './responses-events.ts'
import { finishedResponse, type ResponseMeta } from './responses-object.ts'
import type { Exchange } from './router.ts'
import type { Scenario } from './scenarios.ts'
import {
  generationDelayMs,
  sseData,
  sseDone,
  sseEvent,
  streamSse,
  type MidStreamFault,
} from './sse.ts'

const defaultChunkSize = 16
const unixNow = (): number => Math.floor(Date.now() / 1000)
const wantsStream = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'stream' in body && body.stream === true

function streamFailure(fault: MidStreamFault): { code: string; message: string; type: string } {
  const { error } = openAIFailureOfException(
    httpNameOfStreamException(fault.exception),
    fault.message,
  )
  return { code: error.code ?? 'server_error', message: error.message, type: error.type }
}

async function sendAfterGeneration(
  exchange: Exchange,
  scenario: Scenario,
  deltas: number,
  body: unknown,
): Promise<void> {
  if (!(await pause(generationDelayMs(scenario, deltas), exchange.signal))) return
  sendJson(exchange.res, 200, body, {
    'x-request-id': exchange.requestId,
    'x-amzn-RequestId': exchange.requestId,
  })
}

export async function handleChat(
  exchange: Exchange,
  state: EmulatorState,
  prefix: MantlePrefix,
): Promise<void> {
  const admitted = await admitInference(exchange, state, {
    operation: 'mantle-chat',
    api: 'chat',
    prefix,
    schema: chatRequestSchema,
    streams: wantsStream,
  })
  if (admitted === undefined) return
  const { request, scenario } = admitted
  const plan = planPromptReply(chatPrompt(request), scenario.reply, {
    toolCallIdPrefix: 'call_emulator_',
  })
  const meta: ChatMeta = {
    id: `chatcmpl-${randomHex(24)}`,
    created: unixNow(),
    model: request.model,
  }
  const chunkSize = scenario.chunkSize ?? defaultChunkSize
  const includeUsage = request.stream_options?.include_usage === true
  const chunks = chatCompletionChunks(plan, meta, { chunkSize, includeUsage })
  if (request.stream !== true) {
    const deltas = [...chunks].filter((item) => item.delta).length
    await sendAfterGeneration(exchange, scenario, deltas, chatCompletion(plan, meta))
    return
  }
  const items = (function* () {
    for (const item of chunks) yield { text: sseData(item.body), delta: item.delta }
    yield { text: sseDone, delta: false }
  })()
  await streamSse(exchange, items, scenario, (fault) => {
    const { code, message, type } = streamFailure(fault)
    return sseData({ error: { message, type, param: null, code } })
  })
}

function responseMeta(
  plan: ReplyPlan,
  model: string,
  request: ResponseMeta['request'],
): ResponseMeta {
  return {
    ids: {
      response: `resp_${randomHex(48)}`,
      reasoning: `rs_${randomHex(48)}`,
      message: `msg_${randomHex(48)}`,
      functionCalls: plan.toolCalls.map(() => `fc_${randomHex(48)}`),
    },
    createdAt: unixNow(),
    model,
    request,
  }
}

export async function handleResponses(
  exchange: Exchange,
  state: EmulatorState,
  prefix: MantlePrefix,
): Promise<void> {
  const admitted = await admitInference(exchange, state, {
    operation: 'mantle-responses',
    api: 'responses',
    prefix,
    schema: responsesRequestSchema,
    streams: wantsStream,
  })
  if (admitted === undefined) return
  const { request, scenario } = admitted
  const plan = planPromptReply(responsesPrompt(request), scenario.reply, {
    toolCallIdPrefix: 'call_emulator_',
  })
  const meta = responseMeta(plan, request.model, request)
  const chunkSize = scenario.chunkSize ?? defaultChunkSize
  const events = responsesEvents(plan, meta, { chunkSize, now: unixNow })
  if (request.stream !== true) {
    const deltas = [...events].filter((event) => event.delta).length
    await sendAfterGeneration(exchange, scenario, deltas, finishedResponse(plan, meta, unixNow()))
    return
  }
  const items = (function* () {
    for (const event of events) yield { text: sseEvent(event.type, event.body), delta: event.delta }
  })()
  await streamSse(exchange, items, scenario, (fault, sent) => {
    const { code, message } = streamFailure(fault)
    return failureEvents(meta, sent, { code, message })
      .map((event) => sseEvent(event.type, event.body))
      .join('')
  })
}
