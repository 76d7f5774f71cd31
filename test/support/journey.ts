// One journey's world: the Bedrock emulator and strata-gateway as real processes, an `openai`
// client for the demo project, and the emulator's control API to script Bedrock and inspect what
// the gateway sent.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import OpenAI from 'openai'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from './processes.ts'

export const DEMO_KEY = 'sk-strata-journey-key'
export const CLAUDE_MODEL_ID = 'us.anthropic.claude-sonnet-4-6'
export const NOVA_MODEL_ID = 'amazon.nova-lite-v1:0'
export const GPT_OSS_MODEL_ID = 'openai.gpt-oss-120b'
export const TITAN_EMBED_MODEL_ID = 'amazon.titan-embed-text-v2:0'
export const MANTLE_EMBED_MODEL_ID = 'cohere.embed-v4:0'
export const JOURNEY_PROJECT_ID = 'proj_journey'

// The error-mapping journeys fire many failures in a row at one backend; an opening circuit would
// answer 503 in place of the mapping under test. test/journeys/resilience*.test.ts test the breaker.
const patientBreaker = { consecutiveFailures: 1000, minimumRequests: 10_000 }

export function journeyTable(): unknown {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'journey',
        namespace: 'default',
        projectId: JOURNEY_PROJECT_ID,
        keys: [{ sha256: createHash('sha256').update(DEMO_KEY).digest('hex') }],
        routes: [
          {
            name: 'claude',
            namespace: 'default',
            model: 'claude',
            backends: [{ kind: 'converse', modelId: CLAUDE_MODEL_ID, region: 'us-east-1' }],
            breaker: patientBreaker,
          },
          {
            name: 'nova',
            namespace: 'default',
            model: 'nova',
            backends: [{ kind: 'converse', modelId: NOVA_MODEL_ID, region: 'us-east-1' }],
          },
          {
            name: 'gpt-oss',
            namespace: 'default',
            model: 'gpt-oss',
            backends: [{ kind: 'mantle', modelId: GPT_OSS_MODEL_ID, region: 'us-east-1' }],
            breaker: patientBreaker,
          },
          {
            name: 'embed',
            namespace: 'default',
            model: 'embed',
            backends: [{ kind: 'converse', modelId: TITAN_EMBED_MODEL_ID, region: 'us-east-1' }],
          },
          {
            name: 'embed-mantle',
            namespace: 'default',
            model: 'embed-mantle',
            backends: [{ kind: 'mantle', modelId: MANTLE_EMBED_MODEL_ID, region: 'us-east-1' }],
          },
        ],
      },
    ],
  }
}

export interface Journey {
  gateway: RunningProcess & { routesFile: string }
  emulator: RunningProcess
  bedrock: EmulatorClient
  /** No retries: a journey asserts on what one call does, and scenarios are used up per call. */
  openai: OpenAI
  stop(): Promise<void>
}

export interface JourneyOptions {
  /** The routing table; journeyTable() by default. */
  table?: unknown
  /** More strata-gateway flags, e.g. `--keep-alive-ms 100`. */
  gatewayArgs?: string[]
}

export async function startJourney(name: string, options: JourneyOptions = {}): Promise<Journey> {
  const workDirectory = await makeWorkDirectory(name)
  const emulator = await startEmulatorProcess(workDirectory)
  let gateway: Journey['gateway']
  try {
    gateway = await startGatewayProcess({
      workDirectory,
      table: options.table ?? journeyTable(),
      emulatorUrl: emulator.url,
      ...(options.gatewayArgs === undefined ? {} : { extraArgs: options.gatewayArgs }),
    })
  } catch (error) {
    await emulator.stop()
    throw error
  }
  return {
    gateway,
    emulator,
    bedrock: createEmulatorClient(emulator.url),
    openai: new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: DEMO_KEY,
      maxRetries: 0,
      timeout: 20_000,
    }),
    async stop() {
      await Promise.all([gateway.stop(), emulator.stop()])
      await rm(workDirectory, { recursive: true, force: true })
    },
  }
}
