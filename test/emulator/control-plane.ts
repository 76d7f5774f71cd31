// The Bedrock control plane (`@aws-sdk/client-bedrock`, docs/reference/bedrock-runtime.md) on the
// emulator's one endpoint: the SDK's REST paths cannot collide with bedrock-runtime's `/model/…` or
// Mantle's `/v1/…`, so paths alone route it. Foundation models come from a fixed catalog; inference
// profiles and tags are in inference-profiles.ts. Errors are REST-JSON with x-amzn-ErrorType.
import { sendAwsError, sendAwsFault } from './aws-errors.ts'
import { listModelsQuerySchema, parseAws, queryOf } from './control-plane-requests.ts'
import type { EmulatorState } from './emulator-state.ts'
import { answeredByFault } from './fault-response.ts'
import {
  findFoundationModel,
  foundationModelArn,
  foundationModels,
  type FoundationModel,
} from './foundation-models.ts'
import { sendJson } from './http-io.ts'
import { inferenceProfileHandlers } from './inference-profiles.ts'
import type { Exchange, Route } from './router.ts'
import type { OperationName } from './scenarios.ts'

function modelSummary(state: EmulatorState, model: FoundationModel): Record<string, unknown> {
  return {
    modelArn: foundationModelArn(state.config.region, model.modelId),
    modelId: model.modelId,
    modelName: model.modelName,
    providerName: model.providerName,
    inputModalities: model.inputModalities,
    outputModalities: model.outputModalities,
    responseStreamingSupported: model.responseStreamingSupported,
    customizationsSupported: model.customizationsSupported,
    inferenceTypesSupported: model.inferenceTypesSupported,
    modelLifecycle: { status: 'ACTIVE' },
  }
}

function listFoundationModels(exchange: Exchange, state: EmulatorState): void {
  const query = parseAws(listModelsQuerySchema, queryOf(exchange.req.url))
  if (!query.ok) {
    sendAwsError(exchange.res, exchange.requestId, 'ValidationException', query.message)
    return
  }
  const filter = query.value
  const models = foundationModels.filter(
    (model) =>
      (filter.byProvider === undefined ||
        model.providerName.toLowerCase() === filter.byProvider.toLowerCase()) &&
      (filter.byOutputModality === undefined ||
        model.outputModalities.includes(filter.byOutputModality)) &&
      (filter.byInferenceType === undefined ||
        model.inferenceTypesSupported.includes(filter.byInferenceType)) &&
      (filter.byCustomizationType === undefined ||
        model.customizationsSupported.includes(filter.byCustomizationType)),
  )
  const modelSummaries = models.map((model) => modelSummary(state, model))
  sendJson(exchange.res, 200, { modelSummaries }, { 'x-amzn-RequestId': exchange.requestId })
}

function getFoundationModel(exchange: Exchange, state: EmulatorState): void {
  const model = findFoundationModel(exchange.params['modelIdentifier'] ?? '')
  if (model === undefined) {
    const message = 'Could not resolve the foundation model from the provided model identifier.'
    sendAwsError(exchange.res, exchange.requestId, 'ResourceNotFoundException', message)
    return
  }
  const modelDetails = modelSummary(state, model)
  sendJson(exchange.res, 200, { modelDetails }, { 'x-amzn-RequestId': exchange.requestId })
}

type Handler = (exchange: Exchange, state: EmulatorState) => void

const handlers: Partial<Record<OperationName, Handler>> = {
  ...inferenceProfileHandlers,
  'list-foundation-models': listFoundationModels,
  'get-foundation-model': getFoundationModel,
}

export function controlPlaneRoutes(state: EmulatorState): Route[] {
  const route = (method: string, pattern: string, operation: OperationName): Route => ({
    method,
    pattern,
    operation,
    handle: async (exchange) => {
      const modelId = exchange.params['modelIdentifier']
      if (modelId !== undefined) exchange.record.modelId = modelId
      const scenario = state.scenarios.take({ operation, modelId }) ?? {}
      const sendFault = sendAwsFault.bind(undefined, exchange.res, exchange.requestId)
      if (await answeredByFault(exchange, scenario.fault, false, sendFault)) return
      handlers[operation]?.(exchange, state)
    },
  })
  const profile = '/inference-profiles/{inferenceProfileIdentifier}'
  return [
    route('POST', '/inference-profiles', 'create-inference-profile'),
    route('GET', '/inference-profiles', 'list-inference-profiles'),
    route('GET', profile, 'get-inference-profile'),
    route('DELETE', profile, 'delete-inference-profile'),
    route('GET', '/foundation-models', 'list-foundation-models'),
    route('GET', '/foundation-models/{modelIdentifier}', 'get-foundation-model'),
    route('POST', '/tagResource', 'tag-resource'),
    route('POST', '/untagResource', 'untag-resource'),
    route('POST', '/listTagsForResource', 'list-tags-for-resource'),
  ]
}
