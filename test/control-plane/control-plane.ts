// A real local Kubernetes control plane: etcd, kube-apiserver (RBAC, client-certificate auth) and
// kube-controller-manager. Without a node it runs only the garbage collector and namespace
// controllers, which is what owner references and namespace deletion need (flags as envtest and
// kwok use them). With `node`, it is a whole single-node cluster: every default controller,
// ServiceAccount admission, API aggregation, and node.ts's scheduler, kubelet, kube-proxy and DNS.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { request as httpRequest } from 'node:http'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBinaries, type Binaries } from './binaries.ts'
import { firstServiceIp, nodeLayout, type NodeLayout } from './node-config.ts'
import { releaseNodeIn } from './node-host.ts'
import { prepareHost, startNode, type RunningNode } from './node.ts'
import { createPki, writeKubeconfig, type Pki } from './pki.ts'
import {
  freePort,
  startProcess,
  stopPid,
  waitFor,
  type SpawnOptions,
  type Started,
} from './processes.ts'

export interface ControlPlane {
  dir: string
  kubeconfig: string
  server: string
  binaries: Binaries
  pki: Pki
  pids: number[]
  /** Set when started with `node`. */
  node?: RunningNode
  /** Kills kube-apiserver and starts it again on the same port, as a crash and restart would. */
  restartApiserver(): Promise<void>
  stop(): Promise<void>
}

export interface StartOptions extends SpawnOptions {
  /** Where certificates, data and logs go; a fresh temporary directory by default. */
  dir?: string
  log?: (message: string) => void
  /** Also run a node; its containerd imports these image archives (the sandbox image among them). */
  node?: { sandboxImage: string; images: string[] }
}

/** The apiserver flags that differ when pods run: see the file comment. */
function nodeApiserverArgs(layout: NodeLayout, pki: Pki): string[] {
  const node = pki.node
  if (!node) throw new Error('control plane: the PKI was made without a node address')
  return [
    `--bind-address=${layout.nodeIp}`,
    `--advertise-address=${layout.nodeIp}`,
    `--service-cluster-ip-range=${layout.serviceCidr}`,
    `--kubelet-client-certificate=${pki.adminCert}`,
    `--kubelet-client-key=${pki.adminKey}`,
    '--kubelet-preferred-address-types=InternalIP',
    // Without a node, nothing creates the `default` ServiceAccount (no SA controllers run), so
    // ServiceAccount admission is off there; here it is on and pods get projected tokens.
    // API aggregation, for KEDA's external metrics server.
    `--requestheader-client-ca-file=${pki.caCert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${node.frontProxyCert}`,
    `--proxy-client-key-file=${node.frontProxyKey}`,
    '--enable-aggregator-routing=true',
  ]
}

function get(url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? request : httpRequest
    const req = send(url, ca ? { ca } : {}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.setTimeout(2_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const log =
    options.log ?? ((message: string) => process.stderr.write(`[control-plane] ${message}\n`))
  const began = Date.now()
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)}s`
  const binaries = ensureBinaries()
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'strata-cp-'))
  mkdirSync(join(dir, 'pki'), { recursive: true })
  const layout = options.node ? nodeLayout(join(dir, 'node'), options.node.sandboxImage) : undefined
  const pki = layout
    ? createPki(join(dir, 'pki'), layout.nodeIp, firstServiceIp(layout.serviceCidr))
    : createPki(join(dir, 'pki'))
  const started: Started[] = []
  let node: RunningNode | undefined
  const stop = async () => {
    await node?.stop()
    for (const child of [...started].reverse()) await stopPid(child.pid)
    if (layout) releaseNodeIn(layout.dir)
    if (!process.env['STRATA_KEEP_CLUSTER_DIR']) rmSync(dir, { recursive: true, force: true })
  }

  try {
    if (layout) prepareHost(layout, binaries['kube-proxy'])
    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()]
    const etcdUrl = `http://127.0.0.1:${etcdPort}`
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`
    const etcd = startProcess(
      'etcd',
      binaries.etcd,
      [
        '--name=strata',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=strata=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
      options,
    )
    started.push(etcd)
    await waitFor(
      etcd,
      async () => (await get(`${etcdUrl}/health`)).body.includes('"health":"true"'),
      30_000,
    )
    log(`etcd ready on ${etcdUrl} (${elapsed()})`)

    const server = `https://${layout?.nodeIp ?? '127.0.0.1'}:${apiPort}`
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'pki')}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${pki.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--allow-privileged=true',
      '--profiling=false',
      ...(layout
        ? nodeApiserverArgs(layout, pki)
        : [
            '--bind-address=127.0.0.1',
            '--advertise-address=127.0.0.1',
            '--service-cluster-ip-range=10.0.0.0/24',
            '--disable-admission-plugins=ServiceAccount',
          ]),
    ]
    const ca = readFileSync(pki.caCert)
    const startApiserver = async (): Promise<Started> => {
      const apiserver = startProcess(
        'kube-apiserver',
        binaries['kube-apiserver'],
        apiserverArgs,
        join(dir, 'kube-apiserver.log'),
        options,
      )
      started.push(apiserver)
      await waitFor(
        apiserver,
        async () => (await get(`${server}/readyz`, ca)).status === 200,
        90_000,
      )
      return apiserver
    }
    let apiserver = await startApiserver()
    log(`kube-apiserver ready on ${server} (${elapsed()})`)
    const restartApiserver = async (): Promise<void> => {
      await stopPid(apiserver.pid, 0)
      started.splice(started.indexOf(apiserver), 1)
      apiserver = await startApiserver()
    }

    const kubeconfig = join(dir, 'kubeconfig')
    writeKubeconfig(kubeconfig, server, pki)
    const controllerManager = startProcess(
      'kube-controller-manager',
      binaries['kube-controller-manager'],
      [
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--secure-port=0',
        ...(layout
          ? [
              `--service-account-private-key-file=${pki.serviceAccountKey}`,
              `--root-ca-file=${pki.caCert}`,
              // Quicker than the 15 s default, so that autoscaling is seen within a test.
              '--horizontal-pod-autoscaler-sync-period=5s',
            ]
          : ['--controllers=garbage-collector-controller,namespace-controller']),
      ],
      join(dir, 'kube-controller-manager.log'),
      options,
    )
    started.push(controllerManager)
    log(`kube-controller-manager started (${elapsed()}); kubeconfig ${kubeconfig}`)
    if (layout && options.node)
      node = await startNode({
        layout,
        kubeconfig,
        pki,
        binaries,
        images: options.node.images,
        spawn: options,
        log,
      })

    return {
      dir,
      kubeconfig,
      server,
      binaries,
      pki,
      ...(node ? { node } : {}),
      get pids() {
        return [...started, ...(node ? node.pids.map((pid) => ({ pid })) : [])].map(
          (child) => child.pid,
        )
      },
      restartApiserver,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
