// One world of the second-stand-in journeys: the plain Bedrock Runtime stand-in (plain-bedrock.ts,
// ApplyGuardrail included), the plain Mantle stand-in (plain-mantle.ts) on its own endpoint as
// `bedrock-mantle` is, the real strata-gateway process pointed at both, and the official `openai`
// and `@anthropic-ai/sdk` clients. Each journey file registers it with usePlainWorld, which also
// checks after every test that neither stand-in refused anything the gateway sent.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { startPlainBedrock, type PlainBedrock, type PlainRequest } from './plain-bedrock.ts'
import type { PlainGuardrail } from './plain-guardrail.ts'
import { startPlainMantle, type MantleModel, type PlainMantle } from './plain-mantle.ts'
import type { SigningKey } from './plain-sigv4.ts'
import {
  emulatorAwsEnv,
  makeWorkDirectory,
  startGatewayProcess,
  type RunningProcess,
} from './processes.ts'

export const KEY = 'sk-strata-second-standin'
export const CLAUDE = 'us.anthropic.claude-sonnet-4-6'
export const PROFILE_ARN =
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/plain123'
export const TITAN = 'amazon.titan-embed-text-v2:0'
export const COHERE = 'cohere.embed-v4:0'
/** The key of the second project, whose routes a guardrail guards. */
export const GUARDED_KEY = 'sk-strata-second-standin-guarded'
export const GPT_OSS = 'openai.gpt-oss-120b'
export const GPT5 = 'openai.gpt-5.5'
/** An embeddings model on Mantle; AWS names none, so this one is the stand-in's own. */
export const MANTLE_EMBED = 'qwen.qwen3-embedding-8b'

/** The models the Mantle stand-in serves, each on its documented prefix. */
export const mantleModels: ReadonlyMap<string, MantleModel> = new Map([
  [GPT_OSS, { prefix: '/v1', operations: ['chat', 'responses'] }],
  [GPT5, { prefix: '/openai/v1', operations: ['chat', 'responses'] }],
  [MANTLE_EMBED, { prefix: '/v1', operations: ['embeddings'] }],
] as const)

/** The guardrail of the guarded project: a word policy the stand-in's ApplyGuardrail applies. */
export const GUARDRAIL: PlainGuardrail = {
  id: 'gr0plain',
  versions: ['1', 'DRAFT'],
  deniedWords: ['plutonium'],
  maskedWords: ['Zanzibar'],
  blockedInputMessaging: 'Sorry, the plain guardrail blocked this question.',
  blockedOutputsMessaging: 'Sorry, the plain guardrail blocked this answer.',
}

// The failure journeys fire many exceptions at one backend; an opening breaker would answer in
// place of the mapping under test.
const patientBreaker = { consecutiveFailures: 1000, minimumRequests: 10_000 }

export function plainTable(): unknown {
  const route = (model: string, backend: Record<string, unknown>) => ({
    name: model,
    namespace: 'default',
    model,
    backends: [{ kind: 'converse', region: 'us-east-1', ...backend }],
    breaker: patientBreaker,
  })
  const mantle = (model: string, modelId: string) => ({
    name: model,
    namespace: 'default',
    model,
    backends: [{ kind: 'mantle', region: 'us-east-1', modelId }],
    breaker: patientBreaker,
  })
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'plain',
        namespace: 'default',
        projectId: 'proj_plain',
        keys: [{ sha256: createHash('sha256').update(KEY).digest('hex') }],
        routes: [
          route('claude', { modelId: CLAUDE }),
          route('claude-profile', { modelId: CLAUDE, profileArn: PROFILE_ARN }),
          route('embed', { modelId: TITAN }),
          route('embed-cohere', { modelId: COHERE }),
          mantle('gpt', GPT_OSS),
          mantle('gpt5', GPT5),
          mantle('embed-mantle', MANTLE_EMBED),
          // A bad model id in the routing table: Mantle's 404 model_not_found is the gateway's.
          mantle('gpt-missing', 'openai.gpt-oss-missing'),
        ],
      },
      {
        name: 'guarded',
        namespace: 'default',
        projectId: 'proj_guarded',
        keys: [{ sha256: createHash('sha256').update(GUARDED_KEY).digest('hex') }],
        guardrail: { identifier: GUARDRAIL.id, version: '1' },
        routes: [
          mantle('gpt', GPT_OSS),
          route('claude', { modelId: CLAUDE }),
          // A guardrail version the account does not have: the platform team's mistake.
          {
            ...mantle('gpt-misguarded', GPT_OSS),
            guardrail: { identifier: GUARDRAIL.id, version: '7' },
          },
        ],
      },
    ],
  }
}

/** The credentials the gateway process gets (processes.ts), as the stand-in checks them. */
export function plainKey(more: Partial<SigningKey> = {}): SigningKey {
  const aws = emulatorAwsEnv('unused')
  return {
    accessKeyId: aws['AWS_ACCESS_KEY_ID'] ?? '',
    secretAccessKey: aws['AWS_SECRET_ACCESS_KEY'] ?? '',
    region: 'us-east-1',
    service: 'bedrock',
    ...more,
  }
}

export interface PlainWorld {
  bedrock: PlainBedrock
  mantle: PlainMantle
  gateway: RunningProcess
  openai: OpenAI
  anthropic: Anthropic
  /** The clients of the guarded project. */
  guarded: { openai: OpenAI; anthropic: Anthropic }
  stop(): Promise<void>
}

export interface PlainWorldOptions {
  key?: SigningKey
  /** More gateway environment, e.g. AWS_SESSION_TOKEN. */
  env?: NodeJS.ProcessEnv
}

export async function startPlainWorld(
  name: string,
  options: PlainWorldOptions = {},
): Promise<PlainWorld> {
  const key = options.key ?? plainKey()
  const bedrock = await startPlainBedrock({
    key,
    profiles: new Map([[PROFILE_ARN, CLAUDE]]),
    guardrails: [GUARDRAIL],
  })
  // Mantle is its own endpoint and signing name; the same credentials or API key open it.
  const mantle = await startPlainMantle({
    key: { ...key, service: 'bedrock-mantle' },
    models: mantleModels,
  })
  const workDirectory = await makeWorkDirectory(name)
  let gateway: RunningProcess
  try {
    gateway = await startGatewayProcess({
      workDirectory,
      table: plainTable(),
      emulatorUrl: bedrock.url,
      env: { AWS_ENDPOINT_URL_BEDROCK_MANTLE: mantle.url, ...options.env },
    })
  } catch (error) {
    await Promise.all([bedrock.close(), mantle.close()])
    throw error
  }
  const openaiFor = (apiKey: string) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 })
  const anthropicFor = (apiKey: string) =>
    new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0, timeout: 20_000 })
  return {
    bedrock,
    mantle,
    gateway,
    openai: openaiFor(KEY),
    anthropic: anthropicFor(KEY),
    guarded: { openai: openaiFor(GUARDED_KEY), anthropic: anthropicFor(GUARDED_KEY) },
    async stop() {
      await gateway.stop()
      await Promise.all([bedrock.close(), mantle.close()])
      await rm(workDirectory, { recursive: true, force: true })
    },
  }
}

/** usePlainWorld starts a world for the file and gives it to each test, fresh and checked. */
export function usePlainWorld(name: string, options: PlainWorldOptions = {}): () => PlainWorld {
  let world: PlainWorld | undefined
  beforeAll(async () => {
    world = await startPlainWorld(name, options)
  })
  afterAll(async () => {
    await world?.stop()
  })
  beforeEach(() => {
    world?.bedrock.reset()
    world?.mantle.reset()
  })
  afterEach(() => {
    // Every request the gateway sent must have been one real Bedrock and Mantle accept.
    expect(world?.bedrock.refusals).toEqual([])
    expect(world?.mantle.refusals).toEqual([])
  })
  return () => {
    if (world === undefined) throw new Error(`the ${name} world did not start`)
    return world
  }
}

/** The one request of `operation` the stand-in received. */
export function onlyRequest(
  bedrock: PlainBedrock,
  operation: PlainRequest['operation'],
): PlainRequest {
  const matching = bedrock.requests.filter((request) => request.operation === operation)
  expect(matching).toHaveLength(1)
  const [request] = matching
  if (request === undefined) throw new Error(`the stand-in saw no ${operation} request`)
  return request
}
