// Inference profiles and tagging on the emulated Bedrock control plane
// (docs/reference/bedrock-runtime.md, REST paths and status codes from the bedrock 2023-04-20
// service model): CreateInferenceProfile (POST /inference-profiles → 201), GetInferenceProfile,
// ListInferenceProfiles (system-defined unless `type=APPLICATION`), DeleteInferenceProfile, and
// TagResource / UntagResource / ListTagsForResource as POSTs with `resourceARN` and key/value tag
// lists.
import { sendAwsError, sendAwsErrorWith } from './aws-errors.ts'
import {
  createProfileSchema,
  listProfilesQuerySchema,
  listTagsSchema,
  parseAws,
  queryOf,
  tagResourceSchema,
  untagResourceSchema,
} from './control-plane-requests.ts'
import type { EmulatorState } from './emulator-state.ts'
import {
  findSystemProfile,
  foundationModelArn,
  systemProfileArn,
  systemProfiles,
} from './foundation-models.ts'
import { sendJson } from './http-io.ts'
import type { ApplicationProfile, StoreResult } from './inference-profile-store.ts'
import type { Exchange } from './router.ts'
import type { OperationName } from './scenarios.ts'

// System-defined profiles predate every test; a fixed date keeps answers stable.
const systemCreatedAt = '2025-01-01T00:00:00.000Z'

function applicationView(profile: ApplicationProfile): Record<string, unknown> {
  const view: Record<string, unknown> = {
    inferenceProfileName: profile.name,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
    inferenceProfileArn: profile.arn,
    models: profile.modelArns.map((modelArn) => ({ modelArn })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: 'APPLICATION',
  }
  if (profile.description !== undefined) view['description'] = profile.description
  return view
}

function systemViews(state: EmulatorState): Record<string, unknown>[] {
  const { region, accountId } = state.config
  return systemProfiles.map((profile) => ({
    inferenceProfileName: profile.name,
    description: `Routes requests to ${profile.modelId} in ${profile.regions.join(', ')}.`,
    createdAt: systemCreatedAt,
    updatedAt: systemCreatedAt,
    inferenceProfileArn: systemProfileArn(region, accountId, profile.id),
    models: profile.regions.map((r) => ({ modelArn: foundationModelArn(r, profile.modelId) })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  }))
}

function ok(exchange: Exchange, status: number, body: unknown): void {
  sendJson(exchange.res, status, body, { 'x-amzn-RequestId': exchange.requestId })
}

function invalid(exchange: Exchange, message: string): void {
  sendAwsError(exchange.res, exchange.requestId, 'ValidationException', message)
}

function notFound(exchange: Exchange, identifier: string): void {
  const message = `The inference profile ${identifier} was not found.`
  sendAwsError(exchange.res, exchange.requestId, 'ResourceNotFoundException', message)
}

function answer<T>(exchange: Exchange, result: StoreResult<T>, body: (value: T) => unknown): void {
  if (result.ok) ok(exchange, 200, body(result.value))
  else sendAwsErrorWith(exchange.res, exchange.requestId, result.error)
}

function list(exchange: Exchange, state: EmulatorState): void {
  const query = parseAws(listProfilesQuerySchema, queryOf(exchange.req.url))
  if (!query.ok) {
    invalid(exchange, query.message)
    return
  }
  const { type, maxResults = 1000, nextToken } = query.value
  const all =
    type === 'APPLICATION' ? state.profiles.list().map(applicationView) : systemViews(state)
  const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString())
  if (!Number.isInteger(start) || start < 0 || start > all.length) {
    invalid(exchange, 'The provided pagination token is invalid.')
    return
  }
  const end = start + maxResults
  const page: Record<string, unknown> = { inferenceProfileSummaries: all.slice(start, end) }
  if (end < all.length) page['nextToken'] = Buffer.from(String(end)).toString('base64url')
  ok(exchange, 200, page)
}

type Handler = (exchange: Exchange, state: EmulatorState) => void

export const inferenceProfileHandlers: Partial<Record<OperationName, Handler>> = {
  'create-inference-profile': (exchange, state) => {
    const parsed = parseAws(createProfileSchema, exchange.body)
    if (!parsed.ok) {
      invalid(exchange, parsed.message)
      return
    }
    const { modelSource, ...rest } = parsed.value
    const created = state.profiles.create({ ...rest, copyFrom: modelSource.copyFrom })
    if (!created.ok) {
      sendAwsErrorWith(exchange.res, exchange.requestId, created.error)
      return
    }
    ok(exchange, 201, { inferenceProfileArn: created.value.arn, status: 'ACTIVE' })
  },
  'get-inference-profile': (exchange, state) => {
    const identifier = exchange.params['inferenceProfileIdentifier'] ?? ''
    const profile = state.profiles.find(identifier)
    if (profile !== undefined) {
      ok(exchange, 200, applicationView(profile))
      return
    }
    const system = findSystemProfile(identifier)
    const view = systemViews(state).find((p) => p['inferenceProfileId'] === system?.id)
    if (view !== undefined) {
      ok(exchange, 200, view)
      return
    }
    notFound(exchange, identifier)
  },
  'list-inference-profiles': list,
  'delete-inference-profile': (exchange, state) => {
    const identifier = exchange.params['inferenceProfileIdentifier'] ?? ''
    if (state.profiles.delete(identifier)) {
      ok(exchange, 200, {})
      return
    }
    if (findSystemProfile(identifier) !== undefined) {
      invalid(exchange, 'System-defined inference profiles cannot be deleted.')
      return
    }
    notFound(exchange, identifier)
  },
  'tag-resource': (exchange, state) => {
    const parsed = parseAws(tagResourceSchema, exchange.body)
    if (!parsed.ok) {
      invalid(exchange, parsed.message)
      return
    }
    answer(exchange, state.profiles.tag(parsed.value.resourceARN, parsed.value.tags), () => ({}))
  },
  'untag-resource': (exchange, state) => {
    const parsed = parseAws(untagResourceSchema, exchange.body)
    if (!parsed.ok) {
      invalid(exchange, parsed.message)
      return
    }
    const { resourceARN, tagKeys } = parsed.value
    answer(exchange, state.profiles.untag(resourceARN, tagKeys), () => ({}))
  },
  'list-tags-for-resource': (exchange, state) => {
    const parsed = parseAws(listTagsSchema, exchange.body)
    if (!parsed.ok) {
      invalid(exchange, parsed.message)
      return
    }
    answer(exchange, state.profiles.tags(parsed.value.resourceARN), (tags) => ({ tags }))
  },
}
