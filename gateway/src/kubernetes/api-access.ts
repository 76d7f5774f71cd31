// How the gateway reaches the Kubernetes API without a Kubernetes client library: it needs one
// GET and one watch on one ConfigMap, so a bearer token and the cluster CA over undici suffice,
// and the gateway image stays small. In a pod the token is the projected ServiceAccount token,
// re-read on every request because the kubelet rotates it.
import { readFileSync } from 'node:fs'
import { Agent } from 'undici'

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

export interface KubeApiAccess {
  server: string
  dispatcher: Agent
  token: () => string
}

export interface KubeApiOptions {
  server: string
  tokenFile: string
  caFile?: string | undefined
}

export function kubeApiAccess(options: KubeApiOptions): KubeApiAccess {
  const ca = options.caFile ? readFileSync(options.caFile) : undefined
  return {
    server: options.server.replace(/\/$/, ''),
    // Watches are long-lived: no body timeout, and the watcher's own watchdog covers stalls.
    dispatcher: new Agent({ connect: ca ? { ca } : {}, bodyTimeout: 0, headersTimeout: 30_000 }),
    token: () => readFileSync(options.tokenFile, 'utf8').trim(),
  }
}

/** The in-cluster API endpoint and credentials, from the env and files every pod gets. */
export function inClusterOptions(env: NodeJS.ProcessEnv): KubeApiOptions | undefined {
  const host = env['KUBERNETES_SERVICE_HOST']
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443'
  if (!host) return undefined
  const hostPart = host.includes(':') ? `[${host}]` : host
  return {
    server: `https://${hostPart}:${port}`,
    tokenFile: `${serviceAccountDir}/token`,
    caFile: `${serviceAccountDir}/ca.crt`,
  }
}
