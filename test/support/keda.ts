// The real KEDA operator (built from the Go module proxy by build-keda.sh), run out of cluster
// against the test apiserver. What it needs outside a cluster, read from KEDA v2.21.0's
// cmd/operator/main.go and pkg/util/env_resolver.go:
// - WATCH_NAMESPACE must be set (empty means all namespaces); we watch only the test namespace.
// - KEDA_CLUSTER_OBJECT_NAMESPACE, or it reads the in-pod ServiceAccount namespace file and exits.
// - Its gRPC metrics service (for keda-operator-metrics-apiserver) loads ca.crt, tls.crt and
//   tls.key from --cert-dir and the manager exits if they are missing, so we make a throwaway
//   self-signed pair. Nothing connects to it here: no metrics adapter runs without a kubelet.
// - Every listener gets a loopback port of its own; leader election stays off (one instance).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  ApisApi,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node'
import {
  freePort,
  startProcess,
  stopPid,
  waitFor,
  type Started,
} from '../control-plane/processes.ts'
import { installCrds } from './crds.ts'
import { eventually, statusCode } from './kube.ts'

const buildScript = join(import.meta.dirname, '..', 'control-plane', 'build-keda.sh')

export interface KedaBuild {
  binary: string
  /** The metrics server (keda-operator-metrics-apiserver). */
  adapter: string
  crdDir: string
  /** KEDA's own kustomize manifests. */
  configDir: string
}

/** Finds the cached build, building it once if missing (progress goes to stderr). */
export function ensureKeda(): KedaBuild {
  const dir = execFileSync('bash', [buildScript, '--print-dir'], { encoding: 'utf8' }).trim()
  const build = {
    binary: join(dir, 'bin', 'keda-operator'),
    adapter: join(dir, 'bin', 'keda-adapter'),
    crdDir: join(dir, 'crds'),
    configDir: join(dir, 'config'),
  }
  if (![build.binary, build.adapter, build.configDir].every(existsSync)) {
    execFileSync('bash', [buildScript], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  if (![build.binary, build.adapter, build.configDir].every(existsSync))
    throw new Error(
      `keda-operator, keda-adapter or KEDA's config missing after ${buildScript}; see its output above`,
    )
  return build
}

/** KEDA's six CRDs, server-side applied; the operator starts a controller for each kind. */
export function installKedaCrds(config: KubeConfig, build: KedaBuild): Promise<void> {
  return installCrds(config, 'strata-tests-keda', build.crdDir)
}

/**
 * Deletes KEDA's CRDs and waits until discovery no longer serves their groups. The control plane
 * is shared by every cluster test, and a leftover keda.sh/v1alpha1 makes `helm install` of our
 * chart render a ScaledObject where the chart test expects the HPA of a cluster without KEDA.
 * Delete the ScaledObjects first, while KEDA still runs to release their finalizers.
 */
export async function uninstallKedaCrds(config: KubeConfig, build: KedaBuild): Promise<void> {
  const extensions = config.makeApiClient(ApiextensionsV1Api)
  const names = readdirSync(build.crdDir).map(
    (file) =>
      loadYaml<V1CustomResourceDefinition>(readFileSync(join(build.crdDir, file), 'utf8')).metadata
        ?.name ?? file,
  )
  const missing = (error: unknown): void => {
    if (statusCode(error) !== 404) throw error
  }
  await Promise.all(
    names.map((name) =>
      extensions.deleteCustomResourceDefinition({ name }).then(() => undefined, missing),
    ),
  )
  const groups = new Set(names.map((name) => name.slice(name.indexOf('.') + 1)))
  await eventually('KEDA API groups gone from discovery', async () => {
    const served = (await config.makeApiClient(ApisApi).getAPIVersions()).groups
    return served.some((group) => groups.has(group.name)) ? undefined : true
  })
}

/** A self-signed certificate that is its own CA: enough for a gRPC server nobody calls. */
function makeMetricsServiceCerts(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'tls.key',
      '-out',
      'tls.crt',
      '-days',
      '1',
      '-subj',
      '/CN=keda-operator',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  copyFileSync(join(dir, 'tls.crt'), join(dir, 'ca.crt'))
}

export interface KedaOptions {
  build: KedaBuild
  kubeconfig: string
  /** The only namespace KEDA watches; also where it looks for its own cluster objects. */
  namespace: string
}

export interface RunningKeda {
  process: Started
  log(): Promise<string>
  stop(): Promise<void>
}

export async function startKeda(options: KedaOptions): Promise<RunningKeda> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-keda-'))
  makeMetricsServiceCerts(dir)
  const [metricsPort, probePort, grpcPort] = [await freePort(), await freePort(), await freePort()]
  const logPath = join(dir, 'keda-operator.log')
  const started = startProcess(
    'keda-operator',
    options.build.binary,
    [
      `--metrics-bind-address=127.0.0.1:${String(metricsPort)}`,
      `--health-probe-bind-address=127.0.0.1:${String(probePort)}`,
      `--metrics-service-bind-address=127.0.0.1:${String(grpcPort)}`,
      `--cert-dir=${dir}`,
      `--ca-dir=${join(dir, 'no-custom-ca')}`,
      '--leader-elect=false',
      '--zap-log-level=info',
    ],
    logPath,
    {
      env: {
        PATH: process.env['PATH'],
        HOME: dir,
        KUBECONFIG: options.kubeconfig,
        WATCH_NAMESPACE: options.namespace,
        KEDA_CLUSTER_OBJECT_NAMESPACE: options.namespace,
        POD_NAMESPACE: options.namespace,
      },
    },
  )
  const stop = async (): Promise<void> => {
    await stopPid(started.pid)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      started,
      async () => (await fetch(`http://127.0.0.1:${String(probePort)}/readyz`)).ok,
      60_000,
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { process: started, log: () => readFile(logPath, 'utf8').catch(() => ''), stop }
}
