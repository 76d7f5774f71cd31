// Finds the control-plane binaries: KUBEBUILDER_ASSETS first, then PATH, then our own cache,
// building into the cache (build-binaries.sh) only when none of those has them.
import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export const binaryNames = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kubectl',
  'helm',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'coredns',
] as const
export type BinaryName = (typeof binaryNames)[number]
export type Binaries = Record<BinaryName, string>

const buildScript = join(import.meta.dirname, 'build-binaries.sh')

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function cacheBinDir(): string {
  return execFileSync('bash', [buildScript, '--print-bin-dir'], { encoding: 'utf8' }).trim()
}

function searchDirs(): string[] {
  const dirs: string[] = []
  const assets = process.env['KUBEBUILDER_ASSETS']
  if (assets) dirs.push(assets)
  dirs.push(...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean))
  dirs.push(cacheBinDir())
  return dirs
}

function find(name: BinaryName, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, name)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

/** Resolves every binary, building the missing ones once (progress goes to stderr). */
export function ensureBinaries(): Binaries {
  let dirs = searchDirs()
  if (binaryNames.some((name) => find(name, dirs) === undefined)) {
    execFileSync('bash', [buildScript], { stdio: ['ignore', 'inherit', 'inherit'] })
    dirs = searchDirs()
  }
  const found: Partial<Binaries> = {}
  for (const name of binaryNames) {
    const path = find(name, dirs)
    if (path === undefined)
      throw new Error(
        `control plane: ${name} not found after building; see build-binaries.sh output`,
      )
    found[name] = path
  }
  return found as Binaries
}
