// Loads the operator's kubeconfig. client-node reads a user's token file only under the key
// `token-file`, but kubectl and client-go spell it `tokenFile` (clientcmd's AuthInfo); a
// kubeconfig written for them would make the operator call the API anonymously. Such users get
// client-node's file token provider, the one it uses in-cluster, which re-reads the file every
// minute, so a rotated token is picked up as kubectl would.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, resolve } from 'node:path'
import { KubeConfig, loadYaml, type User } from '@kubernetes/client-node'

interface RawConfig {
  users?: { name?: string; user?: { tokenFile?: string; token?: string } }[]
}

/** The kubeconfig files in effect: the flag, else $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flag) return [flag]
  const list = env['KUBECONFIG']?.split(':').filter((file) => file !== '')
  if (list?.length) return list
  const home = resolve(homedir(), '.kube', 'config')
  return existsSync(home) ? [home] : []
}

/** Token files by user name, resolved against the directory of the file that names them. */
export function tokenFiles(files: string[]): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of files) {
    if (!existsSync(file)) continue
    const raw = loadYaml<RawConfig | null>(readFileSync(file, 'utf8'))
    for (const entry of raw?.users ?? []) {
      const tokenFile = entry.user?.tokenFile
      // An inline token wins, as in client-go.
      if (entry.name && tokenFile && !entry.user?.token && !found.has(entry.name))
        found.set(entry.name, resolve(dirname(file), tokenFile))
    }
  }
  return found
}

export function loadKubeConfig(flag: string | undefined, env: NodeJS.ProcessEnv): KubeConfig {
  const config = new KubeConfig()
  if (flag) config.loadFromFile(flag)
  else config.loadFromDefault()
  const files = tokenFiles(kubeconfigFiles(flag, env))
  if (files.size === 0) return config
  const users: User[] = config.users.map((user) => {
    const tokenFile = files.get(user.name)
    if (!tokenFile || user.token || user.authProvider) return user
    return { ...user, authProvider: { name: 'tokenFile', config: { tokenFile } } }
  })
  config.loadFromOptions({
    clusters: config.clusters,
    contexts: config.contexts,
    users,
    currentContext: config.currentContext,
  })
  return config
}
