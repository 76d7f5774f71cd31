// The Bedrock Projects API on Mantle (docs/reference/mantle.md, "Projects (OpenAI-compatible)" in
// the Bedrock user guide): create, list, retrieve, update (name, add_tags, remove_tag_keys) and
// archive under /v1/organization/projects, OpenAI-shaped bodies and errors, SigV4
// (`bedrock-mantle`) or bearer auth. The list takes OpenAI's `limit` (1–100, default 20) and
// `after`; archived projects are listed unless `include_archived=false` (a [3p] notebook filters
// listings by status, so the service appears to include them).
import { z } from 'zod'
import type { EmulatorState } from './emulator-state.ts'
import { sendJson } from './http-io.ts'
import { admitCall, sendFailure } from './mantle-admission.ts'
import { parseRequest } from './mantle-requests.ts'
import { openAIFailure } from './openai-errors.ts'
import type { Project, ProjectResult } from './project-store.ts'
import type { Exchange, Route } from './router.ts'
import type { OperationName, Scenario } from './scenarios.ts'

const projectName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^([0-9a-zA-Z][ _-]?)+$/, 'must match ^([0-9a-zA-Z][ _-]?)+$')
const tagMap = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 200, 'at most 200 tags')

const createSchema = z.looseObject({
  name: projectName,
  tags: tagMap.optional(),
  data_retention: z
    .strictObject({ mode: z.enum(['inherit', 'default', 'none', 'provider_data_share']) })
    .optional(),
})

const updateSchema = z.looseObject({
  name: projectName.optional(),
  add_tags: tagMap.optional(),
  remove_tag_keys: z.array(z.string().min(1).max(128)).optional(),
})

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).optional(),
  include_archived: z.enum(['true', 'false']).default('true'),
})

export function projectBody(project: Project): Record<string, unknown> {
  const body: Record<string, unknown> = {
    arn: project.arn,
    created_at: project.createdAt,
    id: project.id,
    name: project.name,
    object: 'organization.project',
    status: project.status,
    tags: project.tags,
  }
  if (project.dataRetention !== undefined) body['data_retention'] = project.dataRetention
  return body
}

function reply(exchange: Exchange, result: ProjectResult<Project>): void {
  if (!result.ok) {
    const { status, code, message, param } = result.error
    sendFailure(exchange, openAIFailure(status, message, code, param ?? null))
    return
  }
  sendJson(exchange.res, 200, projectBody(result.value), { 'x-request-id': exchange.requestId })
}

function list(exchange: Exchange, state: EmulatorState): void {
  const search = new URLSearchParams(exchange.req.url?.split('?')[1] ?? '')
  const query = listQuerySchema.safeParse(Object.fromEntries(search))
  if (!query.success) {
    const param = query.error.issues[0]?.path.join('.') ?? ''
    const message = `Invalid value for '${param}': ${query.error.issues[0]?.message ?? ''}.`
    sendFailure(exchange, openAIFailure(400, message, 'invalid_value', param))
    return
  }
  const { limit, after, include_archived } = query.data
  const page = state.projects.list({ limit, after, includeArchived: include_archived === 'true' })
  if (!page.ok) {
    sendFailure(exchange, openAIFailure(page.error.status, page.error.message, page.error.code))
    return
  }
  const { data, hasMore } = page.value
  sendJson(
    exchange.res,
    200,
    {
      object: 'list',
      data: data.map(projectBody),
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: hasMore,
    },
    { 'x-request-id': exchange.requestId },
  )
}

type Handler = (
  exchange: Exchange,
  state: EmulatorState,
  scenario: Scenario,
) => void | Promise<void>

const handlers: Record<string, Handler> = {
  'create-project': async (exchange, state, scenario) => {
    const parsed = parseRequest(createSchema, exchange.body)
    if (!parsed.ok) {
      sendFailure(exchange, parsed.failure)
      return
    }
    const { name, tags, data_retention } = parsed.request
    const result = state.projects.create({ name, tags, dataRetention: data_retention })
    // A delay after the create has taken effect: the caller can die (or time out) holding no
    // answer for a project that exists, which is the crash an operator must not duplicate after.
    if (scenario.firstTokenDelayMs)
      await new Promise((resolve) => setTimeout(resolve, scenario.firstTokenDelayMs))
    if (!exchange.res.destroyed) reply(exchange, result)
  },
  'list-projects': list,
  'get-project': (exchange, state) => {
    reply(exchange, state.projects.get(exchange.params['projectId'] ?? ''))
  },
  'update-project': (exchange, state) => {
    const parsed = parseRequest(updateSchema, exchange.body ?? {})
    if (!parsed.ok) {
      sendFailure(exchange, parsed.failure)
      return
    }
    const { name, add_tags, remove_tag_keys } = parsed.request
    const input = { name, addTags: add_tags, removeTagKeys: remove_tag_keys }
    reply(exchange, state.projects.update(exchange.params['projectId'] ?? '', input))
  },
  'archive-project': (exchange, state) => {
    reply(exchange, state.projects.archive(exchange.params['projectId'] ?? ''))
  },
}

export function projectRoutes(state: EmulatorState): Route[] {
  const base = '/v1/organization/projects'
  const route = (method: string, pattern: string, operation: OperationName): Route => ({
    method,
    pattern,
    operation,
    handle: async (exchange) => {
      const scenario = await admitCall(exchange, state, operation)
      if (scenario === undefined) return
      await handlers[operation]?.(exchange, state, scenario)
    },
  })
  return [
    route('POST', base, 'create-project'),
    route('GET', base, 'list-projects'),
    route('GET', `${base}/{projectId}`, 'get-project'),
    route('POST', `${base}/{projectId}`, 'update-project'),
    route('POST', `${base}/{projectId}/archive`, 'archive-project'),
  ]
}
