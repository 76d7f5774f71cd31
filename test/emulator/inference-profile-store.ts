// Application inference profiles and their tags, kept in memory per emulator. Semantics from
// docs/reference/bedrock-runtime.md and the bedrock 2023-04-20 service model: a profile copies its
// models from a foundation-model ARN or a system-defined profile ARN, names are unique per account,
// a repeated clientRequestToken returns the first result, and a resource holds at most 200 tags.
import {
  findFoundationModel,
  findSystemProfile,
  foundationModelArn,
  type SystemProfile,
} from './foundation-models.ts'
import type { EmulatorConfig } from './emulator-state.ts'
import { randomLowercase } from './ids.ts'

export interface ApplicationProfile {
  id: string
  arn: string
  name: string
  description?: string
  modelArns: string[]
  createdAt: Date
  updatedAt: Date
  tags: Map<string, string>
  clientRequestToken?: string
}

export interface StoreError {
  exception: string
  status: number
  message: string
  /** TooManyTagsException names the resource it refused. */
  resourceName?: string
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError }

export interface Tag {
  key: string
  value: string
}

export interface CreateProfileInput {
  inferenceProfileName: string
  description?: string | undefined
  clientRequestToken?: string | undefined
  copyFrom: string
  tags?: Tag[] | undefined
}

const maxTags = 200
const applicationArnPattern = /^arn:aws:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\//

const fail = (exception: string, status: number, message: string): StoreResult<never> => ({
  ok: false,
  error: { exception, status, message },
})

export class InferenceProfileStore {
  #profiles = new Map<string, ApplicationProfile>()
  readonly #config: EmulatorConfig

  constructor(config: EmulatorConfig) {
    this.#config = config
  }

  create(input: CreateProfileInput): StoreResult<ApplicationProfile> {
    const repeated = [...this.#profiles.values()].find(
      (p) =>
        input.clientRequestToken !== undefined && p.clientRequestToken === input.clientRequestToken,
    )
    if (repeated !== undefined) return { ok: true, value: repeated }
    if ([...this.#profiles.values()].some((p) => p.name === input.inferenceProfileName)) {
      const message = `An inference profile with the name ${input.inferenceProfileName} already exists.`
      return fail('ConflictException', 400, message)
    }
    const modelArns = this.#modelArnsOf(input.copyFrom)
    if (modelArns === undefined) {
      const message = `The provided model source ${input.copyFrom} is not a valid foundation model or system-defined inference profile ARN.`
      return fail('ValidationException', 400, message)
    }
    const tags = new Map((input.tags ?? []).map((tag) => [tag.key, tag.value]))
    if (tags.size > maxTags) return this.#tooManyTags(input.inferenceProfileName)
    const id = randomLowercase(12)
    const now = new Date()
    const profile: ApplicationProfile = {
      id,
      arn: `arn:aws:bedrock:${this.#config.region}:${this.#config.accountId}:application-inference-profile/${id}`,
      name: input.inferenceProfileName,
      modelArns,
      createdAt: now,
      updatedAt: now,
      tags,
    }
    if (input.description !== undefined) profile.description = input.description
    if (input.clientRequestToken !== undefined)
      profile.clientRequestToken = input.clientRequestToken
    this.#profiles.set(id, profile)
    return { ok: true, value: profile }
  }

  /** By id or ARN, the way the `{inferenceProfileIdentifier}` label takes either. */
  find(identifier: string): ApplicationProfile | undefined {
    const id = identifier.replace(applicationArnPattern, '')
    return this.#profiles.get(id)
  }

  list(): ApplicationProfile[] {
    return [...this.#profiles.values()]
  }

  delete(identifier: string): boolean {
    const profile = this.find(identifier)
    return profile !== undefined && this.#profiles.delete(profile.id)
  }

  /** Converse and InvokeModel take any model id; a strict emulator knows every profile ARN. */
  resolvesModelId(modelId: string): boolean {
    if (!this.#config.strictProfiles || !applicationArnPattern.test(modelId)) return true
    return this.find(modelId) !== undefined
  }

  tag(arn: string, tags: Tag[]): StoreResult<undefined> {
    const profile = this.#taggable(arn)
    if (!profile.ok) return profile
    const next = new Map(profile.value.tags)
    for (const tag of tags) next.set(tag.key, tag.value)
    if (next.size > maxTags) return this.#tooManyTags(arn)
    profile.value.tags = next
    return { ok: true, value: undefined }
  }

  untag(arn: string, keys: string[]): StoreResult<undefined> {
    const profile = this.#taggable(arn)
    if (!profile.ok) return profile
    for (const key of keys) profile.value.tags.delete(key)
    return { ok: true, value: undefined }
  }

  tags(arn: string): StoreResult<Tag[]> {
    const profile = this.#taggable(arn)
    if (!profile.ok) return profile
    return { ok: true, value: [...profile.value.tags].map(([key, value]) => ({ key, value })) }
  }

  clear(): void {
    this.#profiles.clear()
  }

  #taggable(arn: string): StoreResult<ApplicationProfile> {
    const profile = applicationArnPattern.test(arn) ? this.find(arn) : undefined
    if (profile !== undefined) return { ok: true, value: profile }
    return fail('ResourceNotFoundException', 404, `The resource ${arn} was not found.`)
  }

  #tooManyTags(resourceName: string): StoreResult<never> {
    const message = `The request exceeds the limit of ${maxTags} tags for the resource.`
    return {
      ok: false,
      error: { exception: 'TooManyTagsException', status: 400, message, resourceName },
    }
  }

  #modelArnsOf(copyFrom: string): string[] | undefined {
    const model = copyFrom.includes(':foundation-model/')
      ? findFoundationModel(copyFrom)
      : undefined
    if (model !== undefined) {
      const region = copyFrom.split(':')[3] ?? this.#config.region
      return [foundationModelArn(region, model.modelId)]
    }
    const system: SystemProfile | undefined = copyFrom.includes(':inference-profile/')
      ? findSystemProfile(copyFrom)
      : undefined
    return system?.regions.map((region) => foundationModelArn(region, system.modelId))
  }
}
