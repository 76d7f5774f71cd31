// Application inference profiles: one per Converse model a project's routes use, tagged with the
// project's tags, so Converse spend is attributed per project in Cost Explorer just as Mantle
// spend is through the project itself. Found by a name derived from project and model, so a crash
// between create and status write adopts the profile instead of making a second one.
// Reference: shared/reference/bedrock-api.md §6 (CreateInferenceProfile, ListInferenceProfiles).
import { createHash } from 'node:crypto'
import {
  BedrockClient,
  CreateInferenceProfileCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock'

export interface ProfileOwner {
  namespace: string
  name: string
  region: string
  tags: Record<string, string>
}

/** A stable, valid profile name (≤64 characters) for one project and model. */
export function profileName(owner: ProfileOwner, modelId: string): string {
  const digest = createHash('sha256')
    .update(`${owner.namespace}/${owner.name}/${modelId}`)
    .digest('hex')
    .slice(0, 12)
  const readable = `${owner.namespace}-${owner.name}`.replace(/[^0-9a-zA-Z-]/g, '-').slice(0, 40)
  return `strata-${readable}-${digest}`
}

// Cross-region system profiles (us., eu., global., …) are copied from their profile ARN, which
// carries the account id; plain model ids from the foundation-model ARN.
const systemProfilePrefix = /^(us|eu|apac|jp|au|ca|global|us-gov|uk)\./

export class InferenceProfiles {
  readonly #client: BedrockClient
  #cache: InferenceProfileSummary[] | undefined

  constructor(client: BedrockClient) {
    this.#client = client
  }

  /** Forget what was listed, so the next ensure sees profiles edited outside the operator. */
  refresh(): void {
    this.#cache = undefined
  }

  async ensure(owner: ProfileOwner, modelId: string): Promise<string> {
    const name = profileName(owner, modelId)
    const existing = (await this.#list()).find((profile) => profile.inferenceProfileName === name)
    if (existing?.inferenceProfileArn) return existing.inferenceProfileArn
    const source = await this.#sourceArn(owner.region, modelId)
    const created = await this.#client.send(
      new CreateInferenceProfileCommand({
        inferenceProfileName: name,
        description: `Strata: ${modelId} for BedrockProject ${owner.namespace}/${owner.name}`,
        modelSource: { copyFrom: source },
        tags: Object.entries({ ...owner.tags, 'strata.dev/model': modelId }).map(
          ([key, value]) => ({ key, value }),
        ),
      }),
    )
    this.#cache = undefined
    if (!created.inferenceProfileArn)
      throw new Error(`CreateInferenceProfile for ${modelId} returned no ARN`)
    return created.inferenceProfileArn
  }

  async #sourceArn(region: string, modelId: string): Promise<string> {
    if (modelId.startsWith('arn:')) return modelId
    if (!systemProfilePrefix.test(modelId))
      return `arn:aws:bedrock:${region}::foundation-model/${modelId}`
    const profile = await this.#client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: modelId }),
    )
    if (!profile.inferenceProfileArn) throw new Error(`inference profile ${modelId} has no ARN`)
    return profile.inferenceProfileArn
  }

  async #list(): Promise<InferenceProfileSummary[]> {
    if (this.#cache) return this.#cache
    const all: InferenceProfileSummary[] = []
    let nextToken: string | undefined
    do {
      const page = await this.#client.send(
        new ListInferenceProfilesCommand({
          typeEquals: 'APPLICATION',
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      )
      all.push(...(page.inferenceProfileSummaries ?? []))
      nextToken = page.nextToken
    } while (nextToken)
    this.#cache = all
    return all
  }
}
