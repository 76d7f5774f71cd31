// An app wired with stub parts for in-process tests: a stub ChatBackend that records its calls
// and plays a script, the test routing table, a fixed clock and fixed ids.
import type { Hono } from 'hono'
import type { AppDeps } from '../src/app-deps.ts'
import type { GatewayEnv } from '../src/gateway-env.ts'
import { defaultAppOptions } from '../src/app-deps.ts'
import { silentLogger } from '../src/app-logger.ts'
import { createApp } from '../src/app.ts'
import type { ChatBackend, ChatCallContext } from '../src/backends/chat-backend.ts'
import type { BackendTarget } from '../src/backends/backend-target.ts'
import { createGatewayMetrics } from '../src/metrics/gateway-metrics.ts'
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../src/openai/chat-completions.ts'
import { createRoutingState, type RoutingState } from '../src/routing/routing-state.ts'
import { TEST_KEY, testTable } from './test-tables.ts'

export const NOW_MS = Date.parse('2026-05-01T12:00:00Z')
export const COMPLETION_ID = 'chatcmpl-test'

export interface StubCall {
  request: ChatCompletionRequest
  target: BackendTarget
  context: ChatCallContext
}

export type StreamStep = ChatCompletionChunk | Error | 'hang' | { delayMs: number }

export interface StubBackend extends ChatBackend {
  calls: StubCall[]
  /**
   * What stream() does, in order: yield a chunk, throw an Error, wait for `delayMs`, or 'hang'
   * until the call is aborted.
   */
  script: StreamStep[]
  completeWith: (call: StubCall) => Promise<ChatCompletion>
}

export function completionFor(call: StubCall, text = 'Hello!'): ChatCompletion {
  const { context } = call
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  }
}

const chunkBase = {
  id: COMPLETION_ID,
  object: 'chat.completion.chunk',
  created: NOW_MS / 1000,
  model: 'claude',
} as const

export function textChunk(content: string, finish: 'stop' | null = null): ChatCompletionChunk {
  return { ...chunkBase, choices: [{ index: 0, delta: { content }, finish_reason: finish }] }
}

export function usageChunk(): ChatCompletionChunk {
  return {
    ...chunkBase,
    choices: [],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  }
}

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = (): void => {
      reject(new Error('aborted', { cause: signal.reason }))
    }
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
}

export function createStubBackend(): StubBackend {
  const stub: StubBackend = {
    calls: [],
    script: [textChunk('Hel'), textChunk('lo', 'stop'), usageChunk()],
    completeWith: (call) => Promise.resolve(completionFor(call)),
    complete(request, target, context) {
      const call = { request, target, context }
      stub.calls.push(call)
      return stub.completeWith(call)
    },
    async *stream(request, target, context) {
      stub.calls.push({ request, target, context })
      for (const step of stub.script) {
        if (step === 'hang') await waitForAbort(context.signal)
        else if (step instanceof Error) throw step
        else if ('delayMs' in step)
          await new Promise((resolve) => setTimeout(resolve, step.delayMs))
        else yield step
      }
    },
  }
  return stub
}

export interface TestApp {
  app: Hono<GatewayEnv>
  deps: AppDeps
  backend: StubBackend
  routing: RoutingState
}

export function createTestApp(overrides: Partial<AppDeps> = {}): TestApp {
  const backend = createStubBackend()
  const routing = createRoutingState(testTable())
  const deps: AppDeps = {
    routing: routing.current,
    backends: { converse: backend, mantle: backend },
    metrics: createGatewayMetrics({ processMetrics: false }),
    clock: () => NOW_MS,
    now: () => performance.now(),
    requestListeners: [],
    newId: () => COMPLETION_ID,
    random: () => 0,
    logger: silentLogger,
    options: defaultAppOptions,
    ...overrides,
  }
  return { app: createApp(deps), deps, backend, routing }
}

export const authorized = (key = TEST_KEY): Record<string, string> => ({
  Authorization: `Bearer ${key}`,
})

export function postChat(
  app: Hono<GatewayEnv>,
  body: unknown,
  init: RequestInit = {},
): Promise<Response> {
  return Promise.resolve(
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...authorized() },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    }),
  )
}
