// What is measured: each target's request, the floor its added latency is taken against, and the
// processes whose CPU and memory it is charged for. Converse-bound targets (Strata's Converse
// route, Portkey and LiteLLM on Bedrock) are compared with the emulator's Converse route; the
// OpenAI-shaped ones (bare proxy, Strata's Mantle route) with the emulator's Mantle route.
import type { RunningProcess } from '../support/processes.ts'
import type { RequestSpec } from './request-spec.ts'
import { BENCH_KEY, CONVERSE_MODEL_ID, MANTLE_MODEL_ID } from './target-processes.ts'

export type TargetId =
  | 'emulator-converse'
  | 'emulator-mantle'
  | 'bare-proxy'
  | 'strata-converse'
  | 'strata-mantle'
  | 'strata-converse-v8-heap'
  | 'strata-converse-baseline'
  | 'strata-mantle-baseline'
  | 'portkey'
  | 'litellm'

export type FloorId = 'emulator-converse' | 'emulator-mantle'

export interface Target {
  id: TargetId
  label: string
  role: 'floor' | 'proxy' | 'strata' | 'peer'
  floor: FloorId
  request: RequestSpec
  stream: RequestSpec
  /** The process charged for CPU and memory (with its descendants). */
  process: RunningProcess
}

const prompt = 'Say hello to the benchmark.'
const json = { 'content-type': 'application/json' }

export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 64,
    ...(stream ? { stream: true } : {}),
  })
}

const converseBody = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: prompt }] }],
  inferenceConfig: { maxTokens: 64 },
})

// The emulator reads, never verifies, credentials; Mantle wants some, as the real one does.
const emulatorAuth = { authorization: 'Bearer bench-bedrock-api-key' }

function openAiTarget(
  base: Omit<Target, 'request' | 'stream'>,
  url: string,
  model: string,
  headers: Record<string, string>,
): Target {
  const all = { ...json, ...headers }
  return {
    ...base,
    request: { url, headers: all, body: chatBody(model, false) },
    stream: { url, headers: all, body: chatBody(model, true) },
  }
}

export function emulatorConverse(emulator: RunningProcess): Target {
  const base = `${emulator.url}/model/${encodeURIComponent(CONVERSE_MODEL_ID)}`
  const headers = { ...json, ...emulatorAuth }
  return {
    id: 'emulator-converse',
    label: 'emulator, Converse (floor)',
    role: 'floor',
    floor: 'emulator-converse',
    process: emulator,
    request: { url: `${base}/converse`, headers, body: converseBody },
    stream: { url: `${base}/converse-stream`, headers, body: converseBody },
  }
}

export function emulatorMantle(emulator: RunningProcess): Target {
  return openAiTarget(
    {
      id: 'emulator-mantle',
      label: 'emulator, Mantle chat (floor)',
      role: 'floor',
      floor: 'emulator-mantle',
      process: emulator,
    },
    `${emulator.url}/v1/chat/completions`,
    MANTLE_MODEL_ID,
    emulatorAuth,
  )
}

export function bareProxy(proxy: RunningProcess): Target {
  return openAiTarget(
    {
      id: 'bare-proxy',
      label: 'bare Node proxy → Mantle chat',
      role: 'proxy',
      floor: 'emulator-mantle',
      process: proxy,
    },
    `${proxy.url}/v1/chat/completions`,
    MANTLE_MODEL_ID,
    emulatorAuth,
  )
}

export function strataTargets(gateway: RunningProcess): Target[] {
  const auth = { authorization: `Bearer ${BENCH_KEY}` }
  const url = `${gateway.url}/v1/chat/completions`
  return [
    openAiTarget(
      {
        id: 'strata-converse',
        label: 'Strata, Converse route',
        role: 'strata',
        floor: 'emulator-converse',
        process: gateway,
      },
      url,
      'claude',
      auth,
    ),
    openAiTarget(
      {
        id: 'strata-mantle',
        label: 'Strata, Mantle route',
        role: 'strata',
        floor: 'emulator-mantle',
        process: gateway,
      },
      url,
      'gpt-oss',
      auth,
    ),
  ]
}

/** Both routes on a gateway built from another checkout (STRATA_BENCH_BASELINE), for before/after. */
export function strataBaselineTargets(gateway: RunningProcess): Target[] {
  return strataTargets(gateway).map((target) => ({
    ...target,
    id: target.id === 'strata-converse' ? 'strata-converse-baseline' : 'strata-mantle-baseline',
    label: `${target.label}, baseline`,
  }))
}

/**
 * The same Converse route on a gateway with V8's default heap sizing instead of the chart's caps:
 * the caps trade CPU for memory, and this shows by how much, in the same run.
 */
export function strataDefaultHeapTarget(gateway: RunningProcess): Target {
  return openAiTarget(
    {
      id: 'strata-converse-v8-heap',
      label: 'Strata, Converse route, V8 default heap',
      role: 'strata',
      floor: 'emulator-converse',
      process: gateway,
    },
    `${gateway.url}/v1/chat/completions`,
    'claude',
    { authorization: `Bearer ${BENCH_KEY}` },
  )
}

/** Portkey's Bedrock provider, its host overridden per request to the emulator. */
export function portkey(server: RunningProcess, emulatorUrl: string): Target {
  return openAiTarget(
    {
      id: 'portkey',
      label: 'Portkey 1.15.2, Bedrock provider',
      role: 'peer',
      floor: 'emulator-converse',
      process: server,
    },
    `${server.url}/v1/chat/completions`,
    CONVERSE_MODEL_ID,
    {
      'x-portkey-provider': 'bedrock',
      'x-portkey-custom-host': emulatorUrl,
      'x-portkey-aws-access-key-id': 'AKIAEMULATOR0000TEST',
      'x-portkey-aws-secret-access-key': 'emulator-secret-access-key',
      'x-portkey-aws-region': 'us-east-1',
    },
  )
}

export function litellm(server: RunningProcess): Target {
  return openAiTarget(
    {
      id: 'litellm',
      label: 'LiteLLM proxy, Bedrock Converse',
      role: 'peer',
      floor: 'emulator-converse',
      process: server,
    },
    `${server.url}/v1/chat/completions`,
    'claude',
    { authorization: 'Bearer unused' },
  )
}
