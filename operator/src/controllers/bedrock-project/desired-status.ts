// What a BedrockProject's status should say, built purely from what the reconciler learned: the
// object it acts for, the fields it found out, and the conditions those mean. The reconciler only
// applies the result (server-side apply, one field manager). Condition types come from the API's
// own list, so a typo is a type error rather than a new condition.
import {
  BEDROCK_PROJECT_KIND,
  BEDROCK_PROJECT_PLURAL,
  type BEDROCK_PROJECT_CONDITION_TYPES,
  type BedrockProject,
  type BedrockProjectStatus,
} from '@strata/crds'
import { BedrockApiError } from '../../bedrock/projects-api.ts'
import { describeError } from '../../kube/errors.ts'
import type { ObjectRef } from '../../kube/kube-client.ts'
import { nextConditions, type ConditionUpdate } from '../conditions.ts'

type ProjectConditionType = (typeof BEDROCK_PROJECT_CONDITION_TYPES)[number]
export type ProjectCondition = ConditionUpdate<ProjectConditionType>

/** The status fields a reconcile finds out; the rest of the status is kept as it was. */
export type ProjectFindings = Pick<
  BedrockProjectStatus,
  'projectId' | 'projectArn' | 'inferenceProfiles' | 'credentialsSecret' | 'clientKeys'
>

/** How the API paths, finalizer patches and Events name this object. */
export function projectRef(project: BedrockProject): ObjectRef {
  return {
    plural: BEDROCK_PROJECT_PLURAL,
    kind: BEDROCK_PROJECT_KIND,
    namespace: project.metadata.namespace ?? '',
    name: project.metadata.name ?? '',
    uid: project.metadata.uid,
  }
}

/** A reason (CamelCase, for alerts) and a message (for people) for an error a reconcile hit. */
export function failureOf(error: unknown): { reason: string; message: string } {
  if (error instanceof BedrockApiError) return { reason: error.reason, message: error.message }
  return { reason: 'ReconcileError', message: describeError(error) }
}

/** Not ready, and why: a failed reconcile, or a project that cannot be used. */
export function notReady(reason: string, message: string): ProjectCondition[] {
  return [
    { type: 'Ready', status: false, reason, message },
    { type: 'ProjectSynced', status: false, reason, message },
  ]
}

/** Ready: the Bedrock project matches the spec and the Secret holds a working key. */
export function ready(projectId: string, secretName: string): ProjectCondition[] {
  return [
    {
      type: 'ProjectSynced',
      status: true,
      reason: 'Synced',
      message: `Bedrock project ${projectId} is active with the declared tags`,
    },
    {
      type: 'CredentialsReady',
      status: true,
      reason: 'SecretWritten',
      message: `Secret ${secretName} holds OPENAI_BASE_URL and OPENAI_API_KEY`,
    },
    { type: 'Ready', status: true, reason: 'Ready', message: '' },
  ]
}

/** The status fields that record which Bedrock project serves this object. */
export function projectFound(remote: { id: string; arn?: string | undefined }): ProjectFindings {
  return { projectId: remote.id, ...(remote.arn ? { projectArn: remote.arn } : {}) }
}

/**
 * The whole status to apply: what is recorded, overlaid with the findings, stamped with the
 * generation acted on, and the conditions merged so lastTransitionTime moves only on a change.
 */
export function desiredStatus(
  project: BedrockProject,
  findings: ProjectFindings,
  conditions: ProjectCondition[],
  now: Date,
): BedrockProjectStatus {
  const generation = project.metadata.generation ?? 0
  const current = project.status ?? {}
  return {
    ...current,
    ...findings,
    observedGeneration: generation,
    conditions: nextConditions(current.conditions, conditions, generation, now),
  }
}
