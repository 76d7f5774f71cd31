// The demo's install step: charts/strata with the real helm into the local control plane, then
// credentials for the chart's two ServiceAccounts, so the operator and gateway processes act with
// exactly the RBAC the chart grants (nothing of the demo's admin certificate).
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeConfig } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import { chartDirectory, createHelm } from '../support/helm.ts'
import type { GatewayAccess } from '../support/gateway-access.ts'

export const release = 'strata'

export type Kubectl = (...args: string[]) => string

/** `helm install strata charts/strata`; returns helm's output (status and NOTES). */
export function helmInstall(kubeconfig: string, namespace: string): string {
  return createHelm().ok([
    'install',
    release,
    chartDirectory,
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    namespace,
    '--create-namespace',
  ])
}

/** A token of one of the chart's ServiceAccounts, through the TokenRequest API. */
export function tokenOf(kubectl: Kubectl, namespace: string, serviceAccount: string): string {
  return kubectl('create', 'token', serviceAccount, '-n', namespace, '--duration=24h').trim()
}

/** A kubeconfig whose only credential is the operator ServiceAccount's token. */
export function operatorKubeconfig(config: KubeConfig, token: string, directory: string): string {
  const cluster = config.getCurrentCluster()
  const path = join(directory, 'strata-operator.kubeconfig')
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
      users: [{ name: 'strata-operator', user: { token } }],
      contexts: [{ name: 'strata', context: { cluster: 'local', user: 'strata-operator' } }],
      'current-context': 'strata',
    }),
  )
  return path
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

/** `kubectl auth can-i` answers "no" with exit status 1, which is an answer, not a failure. */
export function canI(kubeconfigPath: string, kubectlPath: string, args: string[]): string {
  try {
    return execFileSync(kubectlPath, ['--kubeconfig', kubeconfigPath, 'auth', 'can-i', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim()
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout
    if (typeof stdout === 'string' && stdout.trim() === 'no') return 'no'
    throw error
  }
}
