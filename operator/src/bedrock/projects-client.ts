// Typed calls to the Bedrock Projects API over an authenticated MantleHttp.
import type { z } from 'zod'
import {
  apiErrorSchema,
  BedrockApiError,
  projectListSchema,
  projectSchema,
  type MantleHttp,
  type Project,
} from './projects-api.ts'

const base = '/v1/organization/projects'
// A safety stop for a paging bug upstream; the account limit is 1,000 projects.
const maxPages = 50

export class ProjectsClient {
  readonly #http: MantleHttp

  constructor(http: MantleHttp) {
    this.#http = http
  }

  async list(): Promise<Project[]> {
    const projects: Project[] = []
    let after: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const query = new URLSearchParams({ limit: '100', include_archived: 'true' })
      if (after) query.set('after', after)
      const list = await this.#call(
        'GET',
        `${base}?${query.toString()}`,
        undefined,
        projectListSchema,
      )
      projects.push(...list.data)
      if (!list.has_more || !list.last_id) return projects
      after = list.last_id
    }
    return projects
  }

  /** The project, or undefined when Bedrock says it does not exist. */
  async get(id: string): Promise<Project | undefined> {
    try {
      return await this.#call('GET', `${base}/${encodeURIComponent(id)}`, undefined, projectSchema)
    } catch (error) {
      if (error instanceof BedrockApiError && error.status === 404) return undefined
      throw error
    }
  }

  create(name: string, tags: Record<string, string>): Promise<Project> {
    return this.#call('POST', base, { name, tags }, projectSchema)
  }

  updateTags(id: string, add: Record<string, string>, remove: string[]): Promise<Project> {
    const body = {
      ...(Object.keys(add).length > 0 ? { add_tags: add } : {}),
      ...(remove.length > 0 ? { remove_tag_keys: remove } : {}),
    }
    return this.#call('POST', `${base}/${encodeURIComponent(id)}`, body, projectSchema)
  }

  archive(id: string): Promise<Project> {
    return this.#call('POST', `${base}/${encodeURIComponent(id)}/archive`, undefined, projectSchema)
  }

  async #call<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: T,
  ): Promise<z.infer<T>> {
    const response = await this.#http.request(method, path, body)
    if (response.status >= 400) {
      const parsed = apiErrorSchema.safeParse(response.body)
      const message = parsed.success ? (parsed.data.error.message ?? 'no message') : 'no error body'
      throw new BedrockApiError(
        response.status,
        `Bedrock Projects API ${method} ${path.split('?')[0] ?? ''}: ${response.status} ${message}`,
        response.retryAfterSeconds,
      )
    }
    const parsed = schema.safeParse(response.body)
    if (!parsed.success)
      throw new BedrockApiError(
        502,
        `Bedrock Projects API ${method} returned an unexpected body: ${parsed.error.message}`,
      )
    return parsed.data
  }
}
