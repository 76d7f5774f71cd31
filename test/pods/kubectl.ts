// kubectl and helm against the pod tests' cluster, and the waits they share. Commands, not
// client libraries, because these tests prove what a platform engineer types.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubernetesObject } from '@kubernetes/client-node'
import { ensureBinaries } from '../control-plane/binaries.ts'
import { chartDirectory } from '../support/helm.ts'
import { eventually } from '../support/kube.ts'
import { clientPod, type ClientPodOptions } from './objects/strata.ts'

export const release = 'strata'
export const system = 'strata-system'

export interface Cluster {
  kubeconfig: string
  kubectl(...args: string[]): string
  /** `kubectl apply --server-side -f -` of these objects. */
  apply(objects: KubernetesObject[]): string
  helm(...args: string[]): string
  /** `helm install` or `helm upgrade` of charts/strata with these values. */
  installOrUpgrade(values: Record<string, unknown>): string
}

export function clusterFor(kubeconfig: string): Cluster {
  const binaries = ensureBinaries()
  const home = mkdtempSync(join(tmpdir(), 'strata-pods-helm-'))
  const run = (command: string, args: string[], input?: string): string =>
    execFileSync(command, args, {
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: kubeconfig },
      maxBuffer: 64 << 20,
    })
  const kubectl = (...args: string[]) => run(binaries.kubectl, args)
  const helm = (...args: string[]) => run(binaries.helm, args)
  return {
    kubeconfig,
    kubectl,
    apply: (objects) =>
      // Server-side: KEDA's CRDs are too large for the annotation client-side apply keeps.
      run(
        binaries.kubectl,
        ['apply', '--server-side', '--force-conflicts', '--field-manager=strata-tests', '-f', '-'],
        objects.map((o) => JSON.stringify(o)).join('\n'),
      ),
    helm,
    installOrUpgrade: (values) => {
      const file = join(home, `values-${String(Date.now())}.json`)
      writeFileSync(file, JSON.stringify(values))
      return helm(
        'upgrade',
        '--install',
        release,
        chartDirectory,
        '--namespace',
        system,
        '--create-namespace',
        '--values',
        file,
        '--wait',
        '--timeout=5m',
      )
    },
  }
}

/** `kubectl rollout status`: every pod of the Deployment updated and Ready. */
export function waitForRollout(
  cluster: Cluster,
  deployment: string,
  namespace = system,
  timeout = '180s',
): void {
  cluster.kubectl(
    'rollout',
    'status',
    `deployment/${deployment}`,
    '-n',
    namespace,
    `--timeout=${timeout}`,
  )
}

/** Polls `kubectl <args>` once a second until it prints `expected`. */
export function kubectlUntil(
  cluster: Cluster,
  what: string,
  args: string[],
  expected: string,
  timeoutMs = 120_000,
): Promise<true> {
  return eventually(
    what,
    () => (cluster.kubectl(...args).trim() === expected ? true : undefined),
    timeoutMs,
    1_000,
  )
}

/** Runs a client pod to completion and returns its last stdout line, parsed. */
export async function runClient(
  cluster: Cluster,
  options: ClientPodOptions,
  timeoutMs = 180_000,
): Promise<Record<string, unknown>> {
  cluster.apply([clientPod(options)])
  const phase = await eventually(
    `pod ${options.namespace}/${options.name} to finish`,
    () => {
      const value = cluster.kubectl(
        'get',
        'pod',
        options.name,
        '-n',
        options.namespace,
        '-o',
        'jsonpath={.status.phase}',
      )
      return value === 'Succeeded' || value === 'Failed' ? value : undefined
    },
    timeoutMs,
    1_000,
  )
  const logs = cluster.kubectl('logs', options.name, '-n', options.namespace)
  cluster.kubectl('delete', 'pod', options.name, '-n', options.namespace, '--wait=false')
  const last = logs.trim().split('\n').at(-1) ?? ''
  try {
    return { phase, ...(JSON.parse(last) as Record<string, unknown>) }
  } catch {
    throw new Error(`client pod ${options.name} (${phase}) printed no JSON result:\n${logs}`)
  }
}
