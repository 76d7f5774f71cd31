// What a gateway pod gets from Kubernetes, made by hand for processes outside a cluster: a
// ServiceAccount allowed only what the test grants it (by default, to read the routing-table
// ConfigMap), a token for it, and the CA.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type V1PolicyRule,
} from '@kubernetes/client-node'
import { ROUTING_TABLE_CONFIG_MAP } from '@strata/crds'

export interface GatewayAccess {
  server: string
  tokenFile: string
  caFile: string
}

/** The chart's rule for an in-cluster gateway: read its namespace's routing-table ConfigMap. */
export const routingTableRule: V1PolicyRule = {
  apiGroups: [''],
  resources: ['configmaps'],
  resourceNames: [ROUTING_TABLE_CONFIG_MAP],
  verbs: ['get', 'list', 'watch'],
}

/** strata-gateway's flags that make it reach the apiserver as this ServiceAccount. */
export function kubeApiFlags(access: GatewayAccess): string[] {
  return [
    '--kube-api',
    access.server,
    '--kube-token-file',
    access.tokenFile,
    '--kube-ca-file',
    access.caFile,
  ]
}

export async function grantGatewayAccess(
  config: KubeConfig,
  namespace: string,
  directory: string,
  rules: V1PolicyRule[] = [routingTableRule],
): Promise<GatewayAccess> {
  const core = config.makeApiClient(CoreV1Api)
  const rbac = config.makeApiClient(RbacAuthorizationV1Api)
  const name = 'strata-gateway'
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name },
      rules,
    },
  })
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  })
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [] } },
  })
  const cluster = config.getCurrentCluster()
  const access = {
    server: cluster?.server ?? '',
    tokenFile: join(directory, `${namespace}-gateway-token`),
    caFile: join(directory, 'cluster-ca.crt'),
  }
  writeFileSync(access.tokenFile, token.status?.token ?? '')
  writeFileSync(access.caFile, Buffer.from(cluster?.caData ?? '', 'base64'))
  return access
}
