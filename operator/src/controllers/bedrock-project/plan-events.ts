// The Event that tells people what a reconcile did to the Bedrock project, one per plan action.
// Pure: the reconciler records it after the action succeeded.
import type { ProjectPlan, RemoteProject } from './plan.ts'

export interface PlanEvent {
  type: 'Normal' | 'Warning'
  reason: string
  message: string
  /** What the operator did, in the Event's `action` field. */
  action: string
}

/** `project` is the Bedrock project the action left in place (created, adopted or synced). */
export function planEvent(plan: ProjectPlan, project?: RemoteProject): PlanEvent {
  const id = project?.id ?? ''
  switch (plan.action) {
    case 'archive':
      return {
        type: 'Normal',
        reason: 'ProjectArchived',
        message: `archived Bedrock project ${plan.projectId}`,
        action: 'Delete',
      }
    case 'release':
      return { type: 'Normal', reason: 'ProjectRetained', message: plan.message, action: 'Delete' }
    case 'conflict':
      return { type: 'Warning', reason: plan.reason, message: plan.message, action: 'Reconcile' }
    case 'create':
      return plan.replaces
        ? {
            type: 'Normal',
            reason: 'ProjectRecreated',
            message: `created Bedrock project ${id} in place of ${plan.replaces}, which no longer exists`,
            action: 'Create',
          }
        : {
            type: 'Normal',
            reason: 'ProjectCreated',
            message: `created Bedrock project ${id}`,
            action: 'Create',
          }
    case 'adopt':
      return {
        type: 'Normal',
        reason: 'ProjectAdopted',
        message: plan.replaces
          ? `adopted existing Bedrock project ${id} in place of ${plan.replaces}, which no longer exists`
          : `adopted existing Bedrock project ${id}`,
        action: 'Adopt',
      }
    case 'sync': {
      const { add, remove } = plan.tags
      return {
        type: 'Normal',
        reason: 'TagsRepaired',
        message: `tags changed outside Strata were restored (added or fixed ${Object.keys(add).join(', ') || 'none'}; removed ${remove.join(', ') || 'none'})`,
        action: 'Update',
      }
    }
  }
}
