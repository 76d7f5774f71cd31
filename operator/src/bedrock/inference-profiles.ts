// Application inference profiles: one per Converse model a project's routes use, tagged with the
// project's tags, so Converse spend is attributed per project in Cost Explorer just as Mantle
// spend is through the project itself. Found by a name derived from project and model, so a crash
// between create and status write adopts the profile instead of making a second one. Tags are
// kept equal to the project's with TagResource/UntagResource, since a profile's tags, not the
// project's, attribute Converse spend; profiles no longer used are deleted.
// Operations: CreateInferenceProfile, ListInferenceProfiles, GetInferenceProfile,
// DeleteInferenceProfile, ListTagsForResource, TagResource and UntagResource of the Bedrock
// control plane (API reference, "Amazon Bedrock" actions).
import { createHash } from 'node:crypto'
import {
  BedrockClient,
  CreateInferenceProfileCommand,
  DeleteInferenceProfileCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock'
import { diffTags, OWNER_TAG, ownerValue } from './tags.ts'

export interface ProfileOwner {
  namespace: string
  name: string
  region: string
  tags: Record<string, string>
}

/** A stable, valid profile name (≤64 characters) for one project and model. */
function profileName(owner: ProfileOwner, modelId: string): string {
  const digest = createHash('sha256')
    .update(`${owner.namespace}/${owner.name}/${modelId}`)
    .digest('hex')
    .slice(0, 12)
  const readable = `${owner.namespace}-${owner.name}`.replace(/[^0-9a-zA-Z-]/g, '-').slice(0, 40)
  return `strata-${readable}-${digest}`
}

const MODEL_TAG = 'strata.dev/model'

/** The tags a profile carries: the project's, its owner marker, and the model it wraps. */
export function profileTags(owner: ProfileOwner, modelId: string): Record<string, string> {
  return {
    ...owner.tags,
    [OWNER_TAG]: ownerValue(owner.namespace, owner.name),
    [MODEL_TAG]: modelId,
  }
}

// By class when the SDK knows the error type, by status when a proxy answers a bare 404.
const isNotFound = (error: unknown) =>
  error instanceof ResourceNotFoundException ||
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ===
    404

// Cross-region system profiles (us., eu., global., …) are copied from their profile ARN, which
// carries the account id; plain model ids from the foundation-model ARN.
const systemProfilePrefix = /^(us|eu|apac|jp|au|ca|global|us-gov|uk)\./

/** The calls a project reconcile makes on its profiles; the class below makes them on Bedrock. */
export type InferenceProfileCalls = Pick<InferenceProfiles, 'ensure' | 'syncTags' | 'delete'>

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

  /** The profile of this project and model, found by name or created with the right tags. */
  async ensure(owner: ProfileOwner, modelId: string): Promise<{ arn: string; created: boolean }> {
    const name = profileName(owner, modelId)
    const existing = (await this.#list()).find((profile) => profile.inferenceProfileName === name)
    if (existing?.inferenceProfileArn) return { arn: existing.inferenceProfileArn, created: false }
    const source = await this.#sourceArn(owner.region, modelId)
    const created = await this.#client.send(
      new CreateInferenceProfileCommand({
        inferenceProfileName: name,
        description: `Strata: ${modelId} for BedrockProject ${owner.namespace}/${owner.name}`,
        modelSource: { copyFrom: source },
        tags: Object.entries(profileTags(owner, modelId)).map(([key, value]) => ({ key, value })),
      }),
    )
    this.#cache = undefined
    if (!created.inferenceProfileArn)
      throw new Error(`CreateInferenceProfile for ${modelId} returned no ARN`)
    return { arn: created.inferenceProfileArn, created: true }
  }

  /**
   * Makes the profile's tags exactly `desired`, with the fewest calls: one read, then a tag and an
   * untag only when something differs. Keys under aws: belong to AWS and are left alone.
   * Answers 'missing' when the profile no longer exists.
   */
  async syncTags(
    arn: string,
    desired: Record<string, string>,
  ): Promise<'unchanged' | 'repaired' | 'missing'> {
    try {
      const listed = await this.#client.send(new ListTagsForResourceCommand({ resourceARN: arn }))
      const actual = Object.fromEntries(
        (listed.tags ?? [])
          .filter((tag) => !(tag.key ?? '').startsWith('aws:'))
          .map((tag) => [tag.key ?? '', tag.value ?? '']),
      )
      const { add, remove } = diffTags(desired, actual)
      const tags = Object.entries(add).map(([key, value]) => ({ key, value }))
      if (tags.length > 0)
        await this.#client.send(new TagResourceCommand({ resourceARN: arn, tags }))
      if (remove.length > 0)
        await this.#client.send(new UntagResourceCommand({ resourceARN: arn, tagKeys: remove }))
      return tags.length > 0 || remove.length > 0 ? 'repaired' : 'unchanged'
    } catch (error) {
      if (isNotFound(error)) {
        this.#cache = undefined
        return 'missing'
      }
      throw error
    }
  }

  /** Deletes an application profile; one that is already gone counts as deleted. */
  async delete(arn: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }),
      )
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    this.#cache = undefined
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
