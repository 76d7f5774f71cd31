// Loads the operator's kubeconfig, and mends two habits of client-node 2.0.1:
//   - it reads a user's token file only under the key `token-file`, but kubectl and client-go
//     spell it `tokenFile` (clientcmd's AuthInfo); a kubeconfig written for them would make the
//     operator call the API anonymously. Such users get client-node's file token provider, the one
//     it uses in-cluster, which re-reads the file every minute, as kubectl would;
//   - it makes a new undici Agent, so a new TLS connection, for every API call. At thousands of
//     status writes that is a handshake each, and the native memory of sockets and TLS sessions
//     that linger past the burst. One shared Agent keeps a few connections alive instead.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, resolve } from 'node:path'
import { KubeConfig, loadYaml, type User } from '@kubernetes/client-node'
import type { Dispatcher } from 'undici'

interface RawConfig {
  users?: { name?: string; user?: { tokenFile?: string; token?: string } }[]
}

/** The kubeconfig files in effect: the flag, else $KUBECONFIG's list, else ~/.kube/config. */
function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flag) return [flag]
  const list = env['KUBECONFIG']?.split(':').filter((file) => file !== '')
  if (list?.length) return list
  const home = resolve(homedir(), '.kube', 'config')
  return existsSync(home) ? [home] : []
}

/** Token files by user name, resolved against the directory of the file that names them. */
function tokenFiles(files: string[]): Map<string, string> {
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

/** Every request made through this config shares the first Agent it made (one context). */
function shareConnections(config: KubeConfig): void {
  const apply = config.applySecurityAuthentication.bind(config)
  let shared: Dispatcher | undefined
  config.applySecurityAuthentication = async (context) => {
    await apply(context)
    const made = context.getDispatcher()
    if (!made) return
    if (!shared) {
      shared = made
      return
    }
    if (made !== shared) void made.close()
    context.setDispatcher(shared)
  }
}

export function loadKubeConfig(flag: string | undefined, env: NodeJS.ProcessEnv): KubeConfig {
  const config = new KubeConfig()
  if (flag) config.loadFromFile(flag)
  else config.loadFromDefault()
  withTokenFiles(config, tokenFiles(kubeconfigFiles(flag, env)))
  shareConnections(config)
  return config
}

function withTokenFiles(config: KubeConfig, files: Map<string, string>): void {
  if (files.size === 0) return
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
}
