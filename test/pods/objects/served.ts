// How the pod tests run a server of their own: one replica behind a Service on its `http` port,
// under the restricted Pod Security profile the chart's own pods use.
import type { KubernetesObject } from '@kubernetes/client-node'

/** The restricted Pod Security profile, as the chart's own pods run. */
export const restricted = {
  pod: {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  container: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  },
}

export interface Served {
  name: string
  namespace: string
  /** The Service's port, in front of the container port named `http`. */
  port: number
  /** The pod's spec. */
  pod: Record<string, unknown>
}

export function servedDeployment({ name, namespace, port, pod }: Served): KubernetesObject[] {
  const labels = { app: name }
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: pod },
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: labels, ports: [{ name: 'http', port, targetPort: 'http' }] },
    } as KubernetesObject,
  ]
}
