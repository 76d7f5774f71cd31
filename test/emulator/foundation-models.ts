// The fixed catalog behind the emulated control plane: foundation models (ListFoundationModels,
// GetFoundationModel: FoundationModelSummary in the bedrock 2023-04-20 service model) and the
// system-defined cross-region inference profiles over them. Model ids are those of
// docs/reference/bedrock-runtime.md ("Model ids and reasoning") that Converse and InvokeModel take,
// plus the ones the gateway's tests use.
export type Modality = 'TEXT' | 'IMAGE' | 'EMBEDDING' | 'VIDEO'

export interface FoundationModel {
  modelId: string
  modelName: string
  providerName: string
  inputModalities: Modality[]
  outputModalities: Modality[]
  responseStreamingSupported: boolean
  /** ON_DEMAND, PROVISIONED; Bedrock also reports INFERENCE_PROFILE for profile-only models. */
  inferenceTypesSupported: string[]
  customizationsSupported: string[]
}

const text = (
  modelId: string,
  modelName: string,
  providerName: string,
  inferenceTypesSupported: string[],
  inputModalities: Modality[] = ['TEXT'],
): FoundationModel => ({
  modelId,
  modelName,
  providerName,
  inputModalities,
  outputModalities: ['TEXT'],
  responseStreamingSupported: true,
  inferenceTypesSupported,
  customizationsSupported: [],
})

const embedding = (
  modelId: string,
  modelName: string,
  providerName: string,
  inputModalities: Modality[] = ['TEXT'],
  inferenceTypesSupported: string[] = ['ON_DEMAND'],
): FoundationModel => ({
  modelId,
  modelName,
  providerName,
  inputModalities,
  outputModalities: ['EMBEDDING'],
  responseStreamingSupported: false,
  inferenceTypesSupported,
  customizationsSupported: [],
})

const profileOnly = ['INFERENCE_PROFILE']
const onDemand = ['ON_DEMAND', 'INFERENCE_PROFILE']
const vision: Modality[] = ['TEXT', 'IMAGE']

export const foundationModels: readonly FoundationModel[] = [
  text(
    'anthropic.claude-haiku-4-5-20251001-v1:0',
    'Claude Haiku 4.5',
    'Anthropic',
    profileOnly,
    vision,
  ),
  text(
    'anthropic.claude-sonnet-4-5-20250929-v1:0',
    'Claude Sonnet 4.5',
    'Anthropic',
    profileOnly,
    vision,
  ),
  text(
    'anthropic.claude-opus-4-5-20251101-v1:0',
    'Claude Opus 4.5',
    'Anthropic',
    profileOnly,
    vision,
  ),
  text('anthropic.claude-sonnet-4-6', 'Claude Sonnet 4.6', 'Anthropic', profileOnly, vision),
  text('anthropic.claude-opus-4-6-v1', 'Claude Opus 4.6', 'Anthropic', profileOnly, vision),
  text('anthropic.claude-opus-4-7', 'Claude Opus 4.7', 'Anthropic', profileOnly, vision),
  text('amazon.nova-2-lite-v1:0', 'Nova 2 Lite', 'Amazon', onDemand, ['TEXT', 'IMAGE', 'VIDEO']),
  text('amazon.nova-lite-v1:0', 'Nova Lite', 'Amazon', onDemand, ['TEXT', 'IMAGE', 'VIDEO']),
  text('amazon.nova-pro-v1:0', 'Nova Pro', 'Amazon', onDemand, ['TEXT', 'IMAGE', 'VIDEO']),
  text('openai.gpt-oss-120b-1:0', 'gpt-oss-120b', 'OpenAI', ['ON_DEMAND']),
  text('openai.gpt-oss-20b-1:0', 'gpt-oss-20b', 'OpenAI', ['ON_DEMAND']),
  text('qwen.qwen3-coder-480b-a35b-v1:0', 'Qwen3 Coder 480B A35B Instruct', 'Qwen', ['ON_DEMAND']),
  embedding('amazon.titan-embed-text-v2:0', 'Titan Text Embeddings V2', 'Amazon'),
  embedding('cohere.embed-english-v3', 'Embed English', 'Cohere'),
  embedding('cohere.embed-multilingual-v3', 'Embed Multilingual', 'Cohere'),
  embedding('cohere.embed-v4:0', 'Embed v4', 'Cohere', vision, onDemand),
]

export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`
}

const foundationModelArnPattern = /^arn:aws:bedrock:([a-z0-9-]+)::foundation-model\/(.+)$/

/** Accepts a model id or a foundation-model ARN, as GetFoundationModel does. */
export function findFoundationModel(identifier: string): FoundationModel | undefined {
  const id = foundationModelArnPattern.exec(identifier)?.[2] ?? identifier
  return foundationModels.find((model) => model.modelId === id)
}

export interface SystemProfile {
  /** e.g. `us.anthropic.claude-sonnet-4-6`: the geography prefix plus the model id. */
  id: string
  name: string
  modelId: string
  regions: readonly string[]
}

const usRegions = ['us-east-1', 'us-east-2', 'us-west-2']
const euRegions = ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1']
const globalRegions = [...usRegions, ...euRegions, 'ap-northeast-1', 'ap-southeast-2']

function profilesOf(modelId: string): SystemProfile[] {
  const model = findFoundationModel(modelId)
  const label = `${model?.providerName ?? ''} ${model?.modelName ?? modelId}`.trim()
  return [
    { id: `us.${modelId}`, name: `US ${label}`, modelId, regions: usRegions },
    { id: `eu.${modelId}`, name: `EU ${label}`, modelId, regions: euRegions },
    { id: `global.${modelId}`, name: `Global ${label}`, modelId, regions: globalRegions },
  ]
}

export const systemProfiles: readonly SystemProfile[] = foundationModels
  .filter((model) => model.inferenceTypesSupported.includes('INFERENCE_PROFILE'))
  .flatMap((model) => profilesOf(model.modelId))

export function systemProfileArn(region: string, accountId: string, id: string): string {
  return `arn:aws:bedrock:${region}:${accountId}:inference-profile/${id}`
}

const systemProfileArnPattern = /^arn:aws:bedrock:[a-z0-9-]+:\d{12}:inference-profile\/(.+)$/

/** Accepts a system profile id or ARN. */
export function findSystemProfile(identifier: string): SystemProfile | undefined {
  const id = systemProfileArnPattern.exec(identifier)?.[1] ?? identifier
  return systemProfiles.find((profile) => profile.id === id)
}
