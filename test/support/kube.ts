// Small helpers for tests that talk to the real local apiserver.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node'

export function kubeConfigFrom(path: string): KubeConfig {
  const config = new KubeConfig()
  config.loadFromFile(path)
  return config
}

/**
 * The config and the three API clients nearly every cluster test starts with, made in one place so
 * each test names only the clients it needs beyond these (events, leases, discovery, ...).
 */
export function clusterClients(kubeconfig: string) {
  const config = kubeConfigFrom(kubeconfig)
  return {
    kubeconfig,
    config,
    core: config.makeApiClient(CoreV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
    rbac: config.makeApiClient(RbacAuthorizationV1Api),
  }
}

// One definition of how client-node reports HTTP status, shared with the operator.
export { statusCodeOf as statusCode } from '../../operator/src/kube/errors.ts'

/** Polls `check` until it returns a value other than undefined, or fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      lastError = error
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  )
}
