// Credentials holding nothing but a ServiceAccount token, so that a process started by a test or
// the demo acts with exactly that ServiceAccount's RBAC (e.g. what charts/strata grants), not the
// control plane's admin certificate.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeConfig } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import type { GatewayAccess } from './gateway-access.ts'

/**
 * A kubeconfig at `path` whose only credential is a ServiceAccount token: inline, or a `tokenFile`
 * (relative to the kubeconfig, as kubectl reads it).
 */
export function tokenKubeconfig(
  config: KubeConfig,
  credential: { token: string } | { tokenFile: string },
  path: string,
): string {
  const cluster = config.getCurrentCluster()
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'local',
          cluster: { server: cluster?.server, 'certificate-authority-data': cluster?.caData },
        },
      ],
      users: [{ name: 'strata-operator', user: credential }],
      contexts: [{ name: 'strata', context: { cluster: 'local', user: 'strata-operator' } }],
      'current-context': 'strata',
    }),
  )
  return path
}

/** A kubeconfig whose only credential is the operator ServiceAccount's token. */
export function operatorKubeconfig(config: KubeConfig, token: string, directory: string): string {
  return tokenKubeconfig(config, { token }, join(directory, 'strata-operator.kubeconfig'))
}

/** What a gateway pod would find mounted: its ServiceAccount token and the cluster CA. */
export function gatewayAccess(config: KubeConfig, token: string, directory: string): GatewayAccess {
  const cluster = config.getCurrentCluster()
  const access = {
    server: cluster?.server ?? '',
    tokenFile: join(directory, 'strata-gateway.token'),
    caFile: join(directory, 'cluster-ca.crt'),
  }
  writeFileSync(access.tokenFile, token)
  writeFileSync(access.caFile, Buffer.from(cluster?.caData ?? '', 'base64'))
  return access
}
