// Typed client for the emulator's /__emulator/ control API, for tests whose emulator runs in
// another process (started with cli.ts). Same entry shape as the in-process `script()`.
import { z } from 'zod'
import { controlPrefix } from './control.ts'
import { recordedRequestSchema, type RecordedRequest } from './request-log.ts'
import { scriptEntrySchema, type ScriptEntry, type ScriptEntryInput } from './scenarios.ts'
import type { BehaviourInput } from './model-behaviours.ts'

export interface EmulatorClient {
  script(entry: ScriptEntryInput): Promise<void>
  /** Sets a model's standing behaviour (model-behaviours.ts); `{}` makes it healthy again. */
  behave(modelId: string, behaviour: BehaviourInput): Promise<void>
  requests(): Promise<RecordedRequest[]>
  pendingScenarios(): Promise<ScriptEntry[]>
  reset(): Promise<void>
  /** Makes a Bedrock project vanish, as if removed outside the Projects API. */
  forgetProject(id: string): Promise<void>
}

const requestsSchema = z.object({ requests: z.array(recordedRequestSchema) })
const scenariosSchema = z.object({ scenarios: z.array(scriptEntrySchema) })

export function createEmulatorClient(baseUrl: string): EmulatorClient {
  const base = baseUrl.replace(/\/+$/, '')
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const init: RequestInit = { method }
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' }
      init.body = JSON.stringify(body)
    }
    const response = await fetch(`${base}${controlPrefix}/${path}`, init)
    const text = await response.text()
    if (!response.ok) {
      throw new Error(`emulator ${method} ${path} failed with ${response.status}: ${text}`)
    }
    return JSON.parse(text) as unknown
  }
  return {
    script: async (entry) => {
      await call('POST', 'scenarios', entry)
    },
    behave: async (modelId, behaviour) => {
      await call('PUT', 'behaviours', { modelId, behaviour })
    },
    requests: async () => requestsSchema.parse(await call('GET', 'requests')).requests,
    pendingScenarios: async () => scenariosSchema.parse(await call('GET', 'scenarios')).scenarios,
    reset: async () => {
      await call('POST', 'reset')
    },
    forgetProject: async (id) => {
      await call('DELETE', `projects/${encodeURIComponent(id)}`)
    },
  }
}
