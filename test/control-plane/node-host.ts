// What a node changes on this host, and how it is undone: the bridge and its address, two
// sysctls, kube-proxy's iptables chains, network namespaces, mounts and the container processes.
// One node runs per machine; an owner file says whose it is, so that a run killed before its
// teardown is cleaned up by the next one instead of blocking it.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { isAlive } from './processes.ts'
import type { NodeLayout } from './node-config.ts'

const ownerFile = '/run/strata-node.json'
const netnsDir = '/run/netns'

const ownerSchema = z.object({
  pid: z.number(),
  /** The node's long-running processes: a detached node (`make cluster-up`) outlives `pid`. */
  pids: z.array(z.number()),
  dir: z.string(),
  bridge: z.string(),
  containerdSocket: z.string(),
  kubeProxy: z.string(),
  netnsBefore: z.array(z.string()),
})
type Owner = z.infer<typeof ownerSchema>

const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const tryRun = (command: string, args: string[]): void => {
  try {
    run(command, args)
  } catch {
    // Undoing what may not exist: the state is what matters, not the command's verdict.
  }
}

/** Why a node cannot start on this machine, or undefined when it can. */
export function nodeUnsupportedReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'a node needs root (network bridge, mounts, containers)'
  for (const path of [
    '/usr/bin/containerd',
    '/usr/sbin/runc',
    '/usr/lib/cni/bridge',
    '/usr/sbin/iptables',
  ])
    if (!existsSync(path)) return `${path} is missing (make setup installs it)`
  return undefined
}

function netnsNames(): string[] {
  return existsSync(netnsDir) ? readdirSync(netnsDir).filter((name) => name.startsWith('cni-')) : []
}

function readOwner(): Owner | undefined {
  if (!existsSync(ownerFile)) return undefined
  return ownerSchema.parse(JSON.parse(readFileSync(ownerFile, 'utf8')))
}

/**
 * Takes the machine's one node slot: cleans up after a dead owner, refuses a live one, then makes
 * the bridge with the node's address (the kubelet refuses a loopback node address).
 */
export function claimHost(layout: NodeLayout, kubeProxy: string): void {
  const owner = readOwner()
  if (owner && owner.pid !== process.pid && [owner.pid, ...owner.pids].some(isAlive))
    throw new Error(
      `another Strata node runs on this machine (pid ${String(owner.pid)}, ${owner.dir}); stop it first`,
    )
  if (owner) releaseHost(owner)
  const state: Owner = {
    pid: process.pid,
    pids: [],
    dir: layout.dir,
    bridge: layout.bridge,
    containerdSocket: layout.containerdSocket,
    kubeProxy,
    netnsBefore: netnsNames(),
  }
  writeFileSync(ownerFile, JSON.stringify(state))
  run('ip', ['link', 'add', layout.bridge, 'type', 'bridge'])
  run('ip', ['addr', 'add', `${layout.nodeIp}/24`, 'dev', layout.bridge])
  run('ip', ['link', 'set', layout.bridge, 'up'])
  // Pods reach Services through the host's iptables rules: forwarding on, and bridged traffic
  // through iptables so replies from a pod on the same bridge are un-NATed.
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1')
  writeFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', '1')
}

/** Records the node's processes, which keep the slot taken after this process exits. */
export function recordNodePids(pids: number[]): void {
  const owner = readOwner()
  if (owner) writeFileSync(ownerFile, JSON.stringify({ ...owner, pids }))
}

/** The pids of `pid`'s descendants, deepest last, read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
    } catch {
      // The process ended while we read.
    }
  }
  const found: number[] = []
  const visit = (parent: number): void => {
    for (const child of children.get(parent) ?? []) {
      found.push(child)
      visit(child)
    }
  }
  visit(pid)
  return found
}

/** containerd's shims outlive containerd by design; ours are those given our socket. */
function shimPids(socket: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (argv[0]?.endsWith('containerd-shim-runc-v2') && argv.includes(socket))
        pids.push(Number(entry))
    } catch {
      // The process ended while we read.
    }
  }
  return pids
}

const kill = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/** Kills every container and shim of this node. Run after the kubelet has stopped. */
export function killContainers(socket: string): void {
  for (const shim of shimPids(socket)) {
    for (const pid of descendants(shim)) kill(pid)
    kill(shim)
  }
}

function unmountBelow(dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((point) => point.startsWith(`${dir}/`))
  // Deepest first, lazily: a container that just died may still hold one.
  for (const point of mounts.sort((a, b) => b.length - a.length)) tryRun('umount', ['-l', point])
}

/** Whatever KUBE-* chains and jumps to them are left, in every table of both IP families. */
function removeKubeChains(): void {
  for (const binary of ['iptables', 'ip6tables'])
    for (const table of ['filter', 'nat', 'mangle']) {
      let rules: string[]
      try {
        rules = run(binary, ['-t', table, '-S']).split('\n')
      } catch {
        continue
      }
      for (const rule of rules.filter((line) => /^-A (?!KUBE-)\S+ .*-j KUBE-/.test(line)))
        tryRun(binary, ['-t', table, '-D', ...rule.slice(3).split(' ')])
      for (const chain of rules.filter((line) => line.startsWith('-N KUBE-'))) {
        tryRun(binary, ['-t', table, '-F', chain.slice(3)])
        tryRun(binary, ['-t', table, '-X', chain.slice(3)])
      }
    }
}

/** Undoes everything claimHost and the node did. Safe to run twice and after a crash. */
export function releaseHost(owner: Owner): void {
  killContainers(owner.containerdSocket)
  if (existsSync(owner.kubeProxy)) tryRun(owner.kubeProxy, ['--cleanup'])
  removeKubeChains()
  for (const name of netnsNames())
    if (!owner.netnsBefore.includes(name)) tryRun('ip', ['netns', 'delete', name])
  tryRun('ip', ['link', 'delete', owner.bridge])
  unmountBelow(owner.dir)
  rmSync(ownerFile, { force: true })
}

/** Releases the node whose state lives in `dir`, if it is still the machine's node. */
export function releaseNodeIn(dir: string): void {
  const owner = readOwner()
  if (owner && owner.dir === dir) releaseHost(owner)
}
