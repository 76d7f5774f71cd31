// A real node beside the local control plane: kube-scheduler, containerd with runc and the CNI
// bridge, the kubelet, kube-proxy in iptables mode and CoreDNS. Images are imported into
// containerd, never pulled. Everything lives below the control plane's directory and is undone
// by stop(), including the host changes in node-host.ts.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  containerdConfig,
  corefile,
  cniConfig,
  kubeletConfig,
  type NodeLayout,
} from './node-config.ts'
import { claimHost, recordNodePids, releaseNodeIn } from './node-host.ts'
import type { Pki } from './pki.ts'
import {
  freePort,
  startProcess,
  stopPid,
  waitFor,
  type SpawnOptions,
  type Started,
} from './processes.ts'

export interface NodeBinaries {
  'kube-scheduler': string
  kubelet: string
  'kube-proxy': string
  coredns: string
  kubectl: string
}

export interface NodeInput {
  layout: NodeLayout
  kubeconfig: string
  pki: Pki
  binaries: NodeBinaries
  /** OCI or Docker archives to import before the kubelet starts (the sandbox image among them). */
  images: string[]
  spawn: SpawnOptions
  log: (message: string) => void
}

export interface RunningNode {
  layout: NodeLayout
  pids: number[]
  /** Imports one more image archive into the node's containerd. */
  importImage(archive: string): void
  stop(): Promise<void>
}

const ctr = (layout: NodeLayout, args: string[]): string =>
  execFileSync('/usr/bin/ctr', ['--address', layout.containerdSocket, '-n', 'k8s.io', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })

/** Claims the host's node slot and makes its bridge; run before the apiserver binds the address. */
export function prepareHost(layout: NodeLayout, kubeProxy: string): void {
  mkdirSync(layout.dir, { recursive: true })
  claimHost(layout, kubeProxy)
}

export async function startNode(input: NodeInput): Promise<RunningNode> {
  const { layout, kubeconfig, binaries, spawn, log } = input
  const began = Date.now()
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)}s`
  const started: Started[] = []
  const logPath = (name: string) => join(layout.dir, `${name}.log`)
  const start = (name: string, command: string, args: string[]): Started => {
    const child = startProcess(name, command, args, logPath(name), spawn)
    started.push(child)
    recordNodePids(started.map((one) => one.pid))
    return child
  }
  const stop = async (): Promise<void> => {
    // The kubelet first, so that it restarts no container while they are killed.
    for (const child of [...started].reverse()) await stopPid(child.pid)
    releaseNodeIn(layout.dir)
  }

  try {
    for (const sub of ['containerd', 'cni', 'cni-ipam', 'kubelet', 'pod-logs'])
      mkdirSync(join(layout.dir, sub), { recursive: true })

    start('kube-scheduler', binaries['kube-scheduler'], [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${String(await freePort())}`,
    ])

    writeFileSync(join(layout.dir, 'containerd.toml'), containerdConfig(layout))
    writeFileSync(join(layout.dir, 'cni', '10-strata.conflist'), cniConfig(layout))
    const containerd = start('containerd', '/usr/bin/containerd', [
      '--config',
      join(layout.dir, 'containerd.toml'),
    ])
    await waitFor(
      containerd,
      () => Promise.resolve(ctr(layout, ['version']).includes('Server')),
      30_000,
    )
    log(`containerd ready (${elapsed()})`)
    const importImage = (archive: string): void => {
      ctr(layout, ['images', 'import', archive])
    }
    for (const archive of input.images) importImage(archive)
    log(`${String(input.images.length)} images imported (${elapsed()})`)

    const node = input.pki.node
    if (!node) throw new Error('node: the PKI was made without a node address')
    const [port, healthzPort] = [await freePort(), await freePort()]
    writeFileSync(
      join(layout.dir, 'kubelet.json'),
      kubeletConfig(
        layout,
        { port, healthzPort },
        {
          caCert: input.pki.caCert,
          tlsCert: node.kubeletCert,
          tlsKey: node.kubeletKey,
        },
      ),
    )
    const kubelet = start('kubelet', binaries.kubelet, [
      `--config=${join(layout.dir, 'kubelet.json')}`,
      `--kubeconfig=${kubeconfig}`,
      `--root-dir=${join(layout.dir, 'kubelet')}`,
      `--hostname-override=${layout.name}`,
      `--node-ip=${layout.nodeIp}`,
    ])
    const kubectl = (args: string[]): string =>
      execFileSync(binaries.kubectl, [`--kubeconfig=${kubeconfig}`, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    await waitFor(
      kubelet,
      // A node not registered yet makes kubectl throw, which is a "no" here.
      () =>
        kubectl([
          'get',
          'node',
          layout.name,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]) === 'True',
      90_000,
    )
    log(`kubelet: node ${layout.name} Ready at ${layout.nodeIp} (${elapsed()})`)

    start('kube-proxy', binaries['kube-proxy'], [
      `--kubeconfig=${kubeconfig}`,
      `--hostname-override=${layout.name}`,
      '--proxy-mode=iptables',
      `--cluster-cidr=${layout.podCidr}`,
      `--healthz-bind-address=127.0.0.1:${String(await freePort())}`,
      `--metrics-bind-address=127.0.0.1:${String(await freePort())}`,
      // This VM does not let kube-proxy raise nf_conntrack_max; the default table is enough here.
      '--conntrack-max-per-core=0',
      // NodePorts on 127.0.0.1 need route_localnet and a KUBE-FIREWALL chain that
      // `kube-proxy --cleanup` leaves behind; nothing here uses them.
      '--iptables-localhost-nodeports=false',
    ])

    const readyPort = await freePort()
    writeFileSync(join(layout.dir, 'Corefile'), corefile(layout, kubeconfig, readyPort))
    const coredns = start('coredns', binaries.coredns, ['-conf', join(layout.dir, 'Corefile')])
    await waitFor(
      coredns,
      async () => (await fetch(`http://127.0.0.1:${String(readyPort)}/ready`)).ok,
      30_000,
    )
    log(`kube-proxy and CoreDNS (${layout.dnsIp}) running (${elapsed()})`)

    return {
      layout,
      get pids() {
        return started.map((child) => child.pid)
      },
      importImage,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
