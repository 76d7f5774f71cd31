// What a gateway pod gets from Kubernetes, made by hand for processes outside a cluster: a
// ServiceAccount allowed only to read the routing-table ConfigMap, a token for it, and the CA.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node'
import { ROUTING_TABLE_CONFIG_MAP } from '@strata/crds'

export interface GatewayAccess {
  server: string
  tokenFile: string
  caFile: string
}

export async function grantGatewayAccess(
  config: KubeConfig,
  namespace: string,
  directory: string,
): Promise<GatewayAccess> {
  const core = config.makeApiClient(CoreV1Api)
  const rbac = config.makeApiClient(RbacAuthorizationV1Api)
  const name = 'strata-gateway'
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [ROUTING_TABLE_CONFIG_MAP],
          verbs: ['get', 'list', 'watch'],
        },
      ],
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
