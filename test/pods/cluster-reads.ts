// What the pod tests and the demo read back from the cluster, in one place: a component's pods,
// a field of a Deployment or Service, and a value of a project's Secret.
import { system, type Cluster } from './kubectl.ts'

/** The fields of a pod these tests read. */
export interface Pod {
  metadata: { name: string; creationTimestamp: string }
  status: {
    podIP: string
    conditions?: { type: string; status: string; lastTransitionTime: string }[]
    containerStatuses?: {
      containerID?: string
      restartCount: number
      lastState?: { terminated?: { reason?: string } }
    }[]
  }
}

/** The pods of one of the chart's components (`gateway`, `operator`) in strata-system. */
export function componentPods(cluster: Cluster, component: 'gateway' | 'operator'): Pod[] {
  const list = cluster.kubectl(
    'get',
    'pods',
    '-n',
    system,
    '-l',
    `app.kubernetes.io/component=${component}`,
    '-o',
    'json',
  )
  return (JSON.parse(list) as { items: Pod[] }).items
}

/** `kubectl get <kind> <name> -o jsonpath=<path>`, in strata-system unless told otherwise. */
export function field(
  cluster: Cluster,
  kind: string,
  name: string,
  path: string,
  namespace = system,
): string {
  return cluster.kubectl('get', kind, name, '-n', namespace, '-o', `jsonpath=${path}`)
}

export const serviceIp = (cluster: Cluster, name: string, namespace = system): string =>
  field(cluster, 'service', name, '{.spec.clusterIP}', namespace)

/** One value of the Secret `<project>-openai` the operator wrote, decoded. */
export const secretValue = (cluster: Cluster, project: string, key: string): string =>
  Buffer.from(
    field(cluster, 'secret', `${project}-openai`, `{.data.${key}}`, project),
    'base64',
  ).toString()
