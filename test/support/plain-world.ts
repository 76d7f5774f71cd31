// One world of the second-stand-in journeys: the plain Bedrock stand-in (plain-bedrock.ts), the
// real strata-gateway process pointed at it, and the official `openai` and `@anthropic-ai/sdk`
// clients. Each journey file registers it with usePlainWorld, which also checks after every test
// that the stand-in refused nothing the gateway sent.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { startPlainBedrock, type PlainBedrock, type PlainRequest } from './plain-bedrock.ts'
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
  gateway: RunningProcess
  openai: OpenAI
  anthropic: Anthropic
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
  const bedrock = await startPlainBedrock({
    key: options.key ?? plainKey(),
    profiles: new Map([[PROFILE_ARN, CLAUDE]]),
  })
  const workDirectory = await makeWorkDirectory(name)
  let gateway: RunningProcess
  try {
    gateway = await startGatewayProcess({
      workDirectory,
      table: plainTable(),
      emulatorUrl: bedrock.url,
      ...(options.env === undefined ? {} : { env: options.env }),
    })
  } catch (error) {
    await bedrock.close()
    throw error
  }
  return {
    bedrock,
    gateway,
    openai: new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: KEY,
      maxRetries: 0,
      timeout: 20_000,
    }),
    anthropic: new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0, timeout: 20_000 }),
    async stop() {
      await gateway.stop()
      await bedrock.close()
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
  })
  afterEach(() => {
    // Every request the gateway sent must have been one real Bedrock accepts.
    expect(world?.bedrock.refusals).toEqual([])
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
