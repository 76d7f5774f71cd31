import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HttpMethod, RequestContext } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { loadKubeConfig } from './load-config.ts'

function kubeconfig(directory: string, user: Record<string, string>): string {
  const path = join(directory, 'config')
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: {
            server: 'https://127.0.0.1:6443',
            'certificate-authority-data': Buffer.from('a CA').toString('base64'),
          },
        },
      ],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  )
  return path
}

async function authorization(path: string): Promise<string | undefined> {
  const options: { headers: Record<string, string> } = { headers: {} }
  await loadKubeConfig(path, {}).applyToHTTPSOptions(options)
  return options.headers['Authorization']
}

describe('loadKubeConfig', () => {
  it("sends the token of a user's tokenFile, as kubectl does, resolved beside the kubeconfig", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'strata-kubeconfig-'))
    writeFileSync(join(directory, 'token'), 'file-token')
    expect(await authorization(kubeconfig(directory, { tokenFile: 'token' }))).toBe(
      'Bearer file-token',
    )
  })

  it('prefers an inline token to a token file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'strata-kubeconfig-'))
    const path = kubeconfig(directory, { token: 'inline', tokenFile: 'missing' })
    expect(await authorization(path)).toBe('Bearer inline')
  })
})

describe('the loaded config', () => {
  it('sends every request over one shared Agent, not a new TLS connection each', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'strata-kubeconfig-'))
    const config = loadKubeConfig(kubeconfig(directory, { token: 't' }), {})
    const contexts = [1, 2, 3].map(
      () => new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET),
    )
    for (const context of contexts) await config.applySecurityAuthentication(context)
    const [first, ...rest] = contexts.map((context) => context.getDispatcher())
    expect(first).toBeDefined()
    for (const dispatcher of rest) expect(dispatcher).toBe(first)
  })
})
