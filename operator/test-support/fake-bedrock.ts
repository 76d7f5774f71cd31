// In-memory stand-ins for the Bedrock calls a BedrockProject reconcile makes: the Projects API
// and the inference profiles, with a way to make the next call fail as Bedrock would (a
// BedrockApiError with its status). For unit tests of the reconciler; the wire formats are
// exercised against the emulator in test/cluster.
import { BedrockApiError, type Project } from '../src/bedrock/projects-api.ts'
import {
  profileTags,
  type InferenceProfileCalls,
  type ProfileOwner,
} from '../src/bedrock/inference-profiles.ts'
import type { ProjectsApi } from '../src/controllers/bedrock-project/reconciler.ts'

export class FakeProjects implements ProjectsApi {
  readonly projects = new Map<string, Project>()
  readonly calls: string[] = []
  #failure: BedrockApiError | undefined
  #next = 1

  /** The next call fails with this HTTP status. */
  failNext(status: number, message = `fake Bedrock answered ${String(status)}`): void {
    this.#failure = new BedrockApiError(status, message)
  }

  add(project: Project): Project {
    const stored: Project = structuredClone(project)
    this.projects.set(stored.id, stored)
    return stored
  }

  #call(name: string): void {
    this.calls.push(name)
    const failure = this.#failure
    this.#failure = undefined
    if (failure) throw failure
  }

  list(): Promise<Project[]> {
    this.#call('list')
    return Promise.resolve([...this.projects.values()].map((p) => structuredClone(p)))
  }

  get(id: string): Promise<Project | undefined> {
    this.#call('get')
    const project = this.projects.get(id)
    return Promise.resolve(project ? structuredClone(project) : undefined)
  }

  create(name: string, tags: Record<string, string>): Promise<Project> {
    this.#call('create')
    const id = `proj_fake${String(this.#next++)}`
    const arn = `arn:aws:bedrock-mantle:us-east-1:123456789012:project/${id}`
    return Promise.resolve(structuredClone(this.add({ id, name, arn, status: 'active', tags })))
  }

  updateTags(id: string, add: Record<string, string>, remove: string[]): Promise<Project> {
    this.#call('updateTags')
    const project = this.projects.get(id)
    if (!project) return Promise.reject(new BedrockApiError(404, `no project ${id}`))
    project.tags = Object.fromEntries(
      Object.entries({ ...project.tags, ...add }).filter(([key]) => !remove.includes(key)),
    )
    return Promise.resolve(structuredClone(project))
  }

  archive(id: string): Promise<Project> {
    this.#call('archive')
    const project = this.projects.get(id)
    if (!project) return Promise.reject(new BedrockApiError(404, `no project ${id}`))
    project.status = 'archived'
    return Promise.resolve(structuredClone(project))
  }
}

export class FakeProfiles implements InferenceProfileCalls {
  /** ARN → the model it wraps and its tags. */
  readonly profiles = new Map<string, { modelId: string; tags: Record<string, string> }>()
  readonly deleted: string[] = []

  ensure(owner: ProfileOwner, modelId: string): Promise<{ arn: string; created: boolean }> {
    const arn = `arn:aws:bedrock:${owner.region}:123456789012:application-inference-profile/${owner.name}-${modelId}`
    const created = !this.profiles.has(arn)
    // Created with the project's tags, as the real client does.
    if (created) this.profiles.set(arn, { modelId, tags: profileTags(owner, modelId) })
    return Promise.resolve({ arn, created })
  }

  syncTags(
    arn: string,
    desired: Record<string, string>,
  ): Promise<'unchanged' | 'repaired' | 'missing'> {
    const profile = this.profiles.get(arn)
    if (!profile) return Promise.resolve('missing')
    const same = JSON.stringify(profile.tags) === JSON.stringify(desired)
    profile.tags = { ...desired }
    return Promise.resolve(same ? 'unchanged' : 'repaired')
  }

  delete(arn: string): Promise<void> {
    this.profiles.delete(arn)
    this.deleted.push(arn)
    return Promise.resolve()
  }
}
