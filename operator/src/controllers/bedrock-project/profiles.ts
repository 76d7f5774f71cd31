// The application inference profiles of one project, brought to what its routes use: one per
// Converse model, tagged exactly like the project; profiles of models no route uses any more are
// deleted, and a profile deleted outside Strata is created again. Which models are wanted is
// decided purely (profileModels); the rest is the Bedrock calls in order.
import type { InferenceProfile, ModelRoute } from '@strata/crds'
import {
  profileTags,
  type InferenceProfileCalls,
  type ProfileOwner,
} from '../../bedrock/inference-profiles.ts'
import { describeError } from '../../kube/errors.ts'

/** The Converse model ids a project's routes call by id (an ARN needs no profile of ours). */
export function profileModels(routes: readonly ModelRoute[]): string[] {
  const models = new Set<string>()
  for (const route of routes)
    for (const backend of route.spec.backends)
      if (backend.kind === 'converse' && !backend.modelId.startsWith('arn:'))
        models.add(backend.modelId)
  return [...models].sort()
}

export interface ProfileReport {
  /** What happened, for an Event: Normal for repairs and deletions, Warning for refusals. */
  event: (type: 'Normal' | 'Warning', reason: string, message: string) => Promise<void>
}

// AWS SDK errors carry the HTTP status; 4xx other than throttling means retrying cannot help.
function isClientError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode
  return status !== undefined && status >= 400 && status < 500 && status !== 429
}

/**
 * Ensures a tagged profile per wanted model and deletes the ones no longer wanted. Returns the
 * profiles that exist afterwards: the wanted ones, plus any whose deletion failed (kept in status
 * so the next reconcile tries again).
 */
export async function reconcileProfiles(
  profiles: InferenceProfileCalls,
  owner: ProfileOwner,
  wanted: readonly string[],
  recorded: readonly InferenceProfile[],
  report: ProfileReport,
): Promise<InferenceProfile[]> {
  const known = new Map(recorded.map((profile) => [profile.modelId, profile.arn]))
  const result: InferenceProfile[] = []
  for (const modelId of wanted) {
    try {
      result.push({
        modelId,
        arn: await ensureOne(profiles, owner, modelId, known.get(modelId), report),
      })
    } catch (error) {
      // One route naming a model Bedrock refuses must not take the whole project down; the
      // route itself reports ModelNotFound. Throttling and outages still fail the reconcile.
      if (!isClientError(error)) throw error
      await report.event(
        'Warning',
        'InferenceProfileRefused',
        `no inference profile for ${modelId}: ${describeError(error)}`,
      )
    }
  }
  const unused = recorded.filter((profile) => !wanted.includes(profile.modelId))
  result.push(...(await deleteProfiles(profiles, unused, 'no route uses it', report)))
  return result.sort((a, b) => a.modelId.localeCompare(b.modelId))
}

async function ensureOne(
  profiles: InferenceProfileCalls,
  owner: ProfileOwner,
  modelId: string,
  recordedArn: string | undefined,
  report: ProfileReport,
): Promise<string> {
  if (recordedArn !== undefined) {
    const outcome = await profiles.syncTags(recordedArn, profileTags(owner, modelId))
    if (outcome === 'unchanged') return recordedArn
    if (outcome === 'repaired') {
      await report.event(
        'Normal',
        'InferenceProfileTagsSynced',
        `tags of the inference profile for ${modelId} now match the project's`,
      )
      return recordedArn
    }
  }
  const { arn, created } = await profiles.ensure(owner, modelId)
  // A profile found by name (after a crash before the status write) may carry older tags.
  if (!created) await profiles.syncTags(arn, profileTags(owner, modelId))
  if (recordedArn !== undefined)
    await report.event(
      'Normal',
      'InferenceProfileRecreated',
      `the inference profile for ${modelId} (${recordedArn}) no longer existed; now ${arn}`,
    )
  return arn
}

/** Deletes profiles; returns those whose deletion Bedrock refused, so they stay recorded. */
export async function deleteProfiles(
  profiles: InferenceProfileCalls,
  doomed: readonly InferenceProfile[],
  why: string,
  report: ProfileReport,
): Promise<InferenceProfile[]> {
  const kept: InferenceProfile[] = []
  for (const profile of doomed) {
    try {
      await profiles.delete(profile.arn)
      await report.event(
        'Normal',
        'InferenceProfileDeleted',
        `deleted the inference profile for ${profile.modelId} (${profile.arn}): ${why}`,
      )
    } catch (error) {
      if (!isClientError(error)) throw error
      kept.push(profile)
      await report.event(
        'Warning',
        'InferenceProfileNotDeleted',
        `could not delete the inference profile for ${profile.modelId}: ${describeError(error)}`,
      )
    }
  }
  return kept
}
