// Reads a KEDA ScaledObject's status conditions from the apiserver and waits on them; a timeout
// reports the last conditions and the tail of KEDA's log, which is where the reason usually is.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { eventually } from './kube.ts'

export interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

export interface ScaledObjectStatus {
  /** Rejects with the apiserver's error (404 once the object is gone). */
  conditions(): Promise<Condition[]>
  waitFor(type: string, status: string, timeoutMs?: number): Promise<void>
  delete(): Promise<void>
}

export function scaledObjectStatus(
  config: KubeConfig,
  namespace: string,
  name: string,
  logTail: () => Promise<string>,
): ScaledObjectStatus {
  const custom = config.makeApiClient(CustomObjectsApi)
  const coordinates = { group: 'keda.sh', version: 'v1alpha1', namespace, plural: 'scaledobjects' }
  const conditions = async (): Promise<Condition[]> => {
    const object = (await custom.getNamespacedCustomObject({ ...coordinates, name })) as {
      status?: { conditions?: Condition[] }
    }
    return object.status?.conditions ?? []
  }
  return {
    conditions,
    async waitFor(type, status, timeoutMs = 60_000) {
      let last: Condition[] = []
      await eventually(
        `ScaledObject ${type}=${status}`,
        async () => {
          last = await conditions()
          return last.some((c) => c.type === type && c.status === status) || undefined
        },
        timeoutMs,
        250,
      ).catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\nconditions: ${JSON.stringify(last)}\nkeda log tail:\n${await logTail()}`,
        )
      })
    },
    async delete() {
      await custom.deleteNamespacedCustomObject({ ...coordinates, name })
    },
  }
}
