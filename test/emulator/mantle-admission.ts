// What every Mantle inference request goes through before a model runs, in order: its scripted
// scenario (faults win, as front-door failures do), credentials (Bedrock API key or SigV4 for
// `bedrock-mantle`, docs/reference/mantle.md: none at all is a 401), the body, the model's prefix
// and API, and the project named by `OpenAI-Project`: an archived one cannot serve new inference.
// Unknown project ids are let through, since what Mantle does with them is UNCONFIRMED and
// standalone routing tables name projects the emulator never created.
import type { z } from 'zod'
import { takeScenario, type EmulatorState } from './emulator-state.ts'
import { answeredByFault } from './fault-response.ts'
import { routeModel, type MantleApi, type MantleModel, type MantlePrefix } from './mantle-models.ts'
import { parseRequest } from './mantle-requests.ts'
import {
  openAIFailure,
  openAIFailureOfFault,
  sendOpenAIFailure,
  type OpenAIFailure,
} from './openai-errors.ts'
import type { Exchange } from './router.ts'
import type { OperationName, Scenario } from './scenarios.ts'

export interface Admitted<T> {
  request: T
  model: MantleModel
  scenario: Scenario
}

export interface AdmissionSpec<T> {
  operation: OperationName
  api: MantleApi
  prefix: MantlePrefix
  schema: z.ZodType<T>
  /** Whether the request asks for a stream, so in-stream faults wait for the stream. */
  streams: (body: unknown) => boolean
}

export function modelOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('model' in body)) return undefined
  return typeof body.model === 'string' ? body.model : undefined
}

export function sendFailure(exchange: Exchange, failure: OpenAIFailure): void {
  sendOpenAIFailure(exchange.res, exchange.requestId, failure)
}

/** Scenario, fault and credentials: the part every Mantle and Projects route shares. */
export async function admitCall(
  exchange: Exchange,
  state: EmulatorState,
  operation: OperationName,
  stream = false,
): Promise<Scenario | undefined> {
  const scenario = takeScenario(state, { operation, modelId: exchange.record.modelId }) ?? {}
  const send = (fault: Parameters<typeof openAIFailureOfFault>[0]): void => {
    sendFailure(exchange, openAIFailureOfFault(fault))
  }
  if (await answeredByFault(exchange, scenario.fault, stream, send)) return undefined
  if (exchange.record.auth.kind === 'none') {
    const message =
      'Missing authentication: send a Bedrock API key as a bearer token or sign with SigV4.'
    sendFailure(exchange, openAIFailure(401, message, 'invalid_api_key'))
    return undefined
  }
  return scenario
}

export async function admitInference<T>(
  exchange: Exchange,
  state: EmulatorState,
  spec: AdmissionSpec<T>,
): Promise<Admitted<T> | undefined> {
  const model = modelOf(exchange.body)
  if (model !== undefined) exchange.record.modelId = model
  const scenario = await admitCall(exchange, state, spec.operation, spec.streams(exchange.body))
  if (scenario === undefined) return undefined
  const parsed = parseRequest(spec.schema, exchange.body)
  if (!parsed.ok) {
    sendFailure(exchange, parsed.failure)
    return undefined
  }
  const routed = routeModel(model ?? '', spec.prefix, spec.api)
  if (!routed.ok) {
    sendFailure(exchange, routed.failure)
    return undefined
  }
  const projectId = exchange.record.project
  const project = projectId === undefined ? undefined : state.projects.get(projectId)
  if (project?.ok === true && project.value.status === 'archived') {
    const message = `Project ${project.value.id} is archived and cannot be used for inference.`
    sendFailure(exchange, openAIFailure(403, message, 'project_archived'))
    return undefined
  }
  return { request: parsed.request, model: routed.model, scenario }
}
