// Bedrock projects (the Mantle Projects API, docs/reference/mantle.md), kept in memory per
// emulator. Every account has the `default` project; names are unique among active projects (the
// user guide says unique per account; archived names are reusable here so that a deleted and
// re-applied BedrockProject can be created again: UNCONFIRMED); there is no delete, only archive;
// archived projects cannot be updated. At most 1000 projects per account.
import type { EmulatorConfig } from './emulator-state.ts'
import { randomLowercase } from './ids.ts'

export type ProjectStatus = 'active' | 'archived'
export type DataRetentionMode = 'inherit' | 'default' | 'none' | 'provider_data_share'

export interface Project {
  id: string
  name: string
  arn: string
  /** Unix seconds. */
  createdAt: number
  status: ProjectStatus
  tags: Record<string, string>
  dataRetention?: { mode: DataRetentionMode }
}

/** Rendered by the routes in OpenAI's error shape. */
export interface ProjectError {
  status: number
  code: string
  message: string
  param?: string
}

export type ProjectResult<T> = { ok: true; value: T } | { ok: false; error: ProjectError }

export interface CreateProjectInput {
  name: string
  tags?: Record<string, string> | undefined
  dataRetention?: { mode: DataRetentionMode } | undefined
}

export interface UpdateProjectInput {
  name?: string | undefined
  addTags?: Record<string, string> | undefined
  removeTagKeys?: string[] | undefined
}

export interface ListQuery {
  limit: number
  after?: string | undefined
  includeArchived: boolean
}

export interface ProjectPage {
  data: Project[]
  hasMore: boolean
}

export const maxProjects = 1000
// The default project's created_at in the AWS documentation example.
const defaultCreatedAt = 1764460800

const fail = (status: number, code: string, message: string, param?: string) =>
  ({
    ok: false,
    error: param === undefined ? { status, code, message } : { status, code, message, param },
  }) as const

export class ProjectStore {
  #projects = new Map<string, Project>()
  readonly #config: EmulatorConfig

  constructor(config: EmulatorConfig) {
    this.#config = config
    this.clear()
  }

  create(input: CreateProjectInput): ProjectResult<Project> {
    if (this.#projects.size >= maxProjects) {
      return fail(400, 'quota_exceeded', `An account can have at most ${maxProjects} projects.`)
    }
    if (this.#activeNamed(input.name) !== undefined) return this.#duplicate(input.name)
    const project = this.#project(`proj_${randomLowercase(20)}`, input.name)
    project.tags = { ...input.tags }
    if (input.dataRetention !== undefined) project.dataRetention = input.dataRetention
    this.#projects.set(project.id, project)
    return { ok: true, value: project }
  }

  get(id: string): ProjectResult<Project> {
    const project = this.#projects.get(id)
    if (project !== undefined) return { ok: true, value: project }
    return fail(404, 'not_found', `Project ${id} not found.`)
  }

  update(id: string, input: UpdateProjectInput): ProjectResult<Project> {
    const found = this.get(id)
    if (!found.ok) return found
    const project = found.value
    if (project.status === 'archived') {
      return fail(400, 'validation_error', `Project ${id} is archived and cannot be updated.`)
    }
    if (project.id === 'default') {
      return fail(400, 'validation_error', 'The default project cannot be renamed or tagged.')
    }
    if (input.name !== undefined && input.name !== project.name) {
      if (this.#activeNamed(input.name) !== undefined) return this.#duplicate(input.name)
      project.name = input.name
    }
    const tags = { ...project.tags }
    for (const key of input.removeTagKeys ?? []) Reflect.deleteProperty(tags, key)
    project.tags = { ...tags, ...input.addTags }
    return { ok: true, value: project }
  }

  archive(id: string): ProjectResult<Project> {
    const found = this.get(id)
    if (!found.ok) return found
    if (found.value.id === 'default') {
      return fail(400, 'validation_error', 'The default project cannot be archived.')
    }
    found.value.status = 'archived'
    return found
  }

  /** Oldest first with `default` leading, as the documented list response shows. */
  list(query: ListQuery): ProjectResult<ProjectPage> {
    const all = [...this.#projects.values()].filter(
      (project) => query.includeArchived || project.status === 'active',
    )
    let start = 0
    if (query.after !== undefined) {
      const index = all.findIndex((project) => project.id === query.after)
      if (index < 0)
        return fail(400, 'validation_error', `Invalid 'after': ${query.after}`, 'after')
      start = index + 1
    }
    const data = all.slice(start, start + query.limit)
    return { ok: true, value: { data, hasMore: start + query.limit < all.length } }
  }

  /**
   * Drops a project as if it had been removed outside the API (an account cleanup, a restore):
   * afterwards every call on its id answers 404, as for an id that never existed. No AWS API does
   * this; it lets tests show how a client copes with a project that vanished.
   */
  forget(id: string): boolean {
    return id !== 'default' && this.#projects.delete(id)
  }

  clear(): void {
    this.#projects = new Map([['default', this.#project('default', 'default', defaultCreatedAt)]])
  }

  #project(id: string, name: string, createdAt = Math.floor(Date.now() / 1000)): Project {
    const { region, accountId } = this.#config
    const arn = `arn:aws:bedrock-mantle:${region}:${accountId}:project/${id}`
    return { id, name, arn, createdAt, status: 'active', tags: {} }
  }

  #activeNamed(name: string): Project | undefined {
    return [...this.#projects.values()].find((p) => p.status === 'active' && p.name === name)
  }

  #duplicate(name: string): ProjectResult<never> {
    return fail(409, 'conflict', `A project with the name '${name}' already exists.`, 'name')
  }
}
