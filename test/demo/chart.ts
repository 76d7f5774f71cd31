// The demo's install step: charts/strata with the real helm into the local control plane, then
// credentials for the chart's two ServiceAccounts, so the operator and gateway processes act with
// exactly the RBAC the chart grants (nothing of the demo's admin certificate).
import { execFileSync } from 'node:child_process'
import { chartDirectory, createHelm } from '../support/helm.ts'

export const release = 'strata'

export type Kubectl = (...args: string[]) => string

/** `helm install strata charts/strata` without Redis; returns helm's output (status and NOTES). */
export function helmInstall(kubeconfig: string, namespace: string): string {
  return createHelm().ok([
    'install',
    release,
    chartDirectory,
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    namespace,
    // No Redis: each gateway replica takes its share of every limit from the live replica count.
    '--create-namespace',
  ])
}

/** A token of one of the chart's ServiceAccounts, through the TokenRequest API. */
export function tokenOf(kubectl: Kubectl, namespace: string, serviceAccount: string): string {
  return kubectl('create', 'token', serviceAccount, '-n', namespace, '--duration=24h').trim()
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
