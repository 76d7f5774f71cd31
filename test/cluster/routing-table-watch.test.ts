// The gateway's in-cluster table source against the real apiserver, authenticated exactly as a
// gateway pod would be: a ServiceAccount token allowed to read only the routing-table ConfigMap.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import {
  encodeTableConfigMap,
  ROUTING_TABLE_CONFIG_MAP,
  type RoutingTable,
  type RoutingTableInput,
} from '@strata/crds'
import { describe, expect, inject, it } from 'vitest'
import { kubeApiAccess } from '../../gateway/src/kubernetes/api-access.ts'
import { watchRoutingTableConfigMap } from '../../gateway/src/kubernetes/config-map-watcher.ts'
import { grantGatewayAccess } from '../support/gateway-access.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'

const config = kubeConfigFrom(inject('kubeconfig'))
const core = config.makeApiClient(CoreV1Api)

function table(version: number, routeCount: number): RoutingTableInput {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'support',
        namespace: 'apps',
        projectId: 'proj_abc',
        keys: [{ sha256: 'a'.repeat(64) }],
        routes: Array.from({ length: routeCount }, (_, index) => ({
          name: `r-${index}`,
          namespace: 'apps',
          model: `alias-${index}`,
          backends: [
            {
              kind: 'converse' as const,
              modelId: 'anthropic.claude-sonnet-4-6',
              region: 'us-east-1',
            },
          ],
        })),
      },
    ],
  }
}

describe('routing table ConfigMap watch', () => {
  it('serves each published table, gzip included, with only get/list/watch on that one ConfigMap', async () => {
    const namespace = `gw-${Date.now().toString(36)}`
    await core.createNamespace({ body: { metadata: { name: namespace } } })
    const access = await grantGatewayAccess(
      config,
      namespace,
      mkdtempSync(join(tmpdir(), 'strata-gw-')),
    )
    const served: RoutingTable[] = []
    const invalid: string[] = []
    const watcher = watchRoutingTableConfigMap({
      api: kubeApiAccess(access),
      namespace,
      name: ROUTING_TABLE_CONFIG_MAP,
      onTable: (t) => served.push(t),
      onInvalid: (error) => invalid.push(error instanceof Error ? error.message : String(error)),
      log: (message) => invalid.push(message),
    })
    try {
      await watcher.ready
      expect(invalid.some((message) => message.includes('not found yet'))).toBe(true)

      const publishedAt = Date.now()
      await core.createNamespacedConfigMap({
        namespace,
        body: {
          metadata: { name: ROUTING_TABLE_CONFIG_MAP },
          ...encodeTableConfigMap(table(1, 2)),
        },
      })
      await eventually(
        'version 1 served',
        () => (served.at(-1)?.version === 1 ? true : undefined),
        10_000,
      )
      process.stdout.write(`ConfigMap create → table served: ${Date.now() - publishedAt} ms\n`)

      const big = encodeTableConfigMap(table(2, 5_000))
      expect(big.binaryData).toBeDefined()
      await core.replaceNamespacedConfigMap({
        namespace,
        name: ROUTING_TABLE_CONFIG_MAP,
        body: { metadata: { name: ROUTING_TABLE_CONFIG_MAP }, ...big },
      })
      await eventually(
        'gzipped version 2 served',
        () => (served.at(-1)?.version === 2 ? true : undefined),
        10_000,
      )
      expect(served.at(-1)?.projects[0]?.routes).toHaveLength(5_000)

      await core.replaceNamespacedConfigMap({
        namespace,
        name: ROUTING_TABLE_CONFIG_MAP,
        body: {
          metadata: { name: ROUTING_TABLE_CONFIG_MAP },
          data: { 'routing-table.json': '{"broken":' },
        },
      })
      await eventually(
        'invalid table reported',
        () => (invalid.some((m) => m.includes('not valid JSON')) ? true : undefined),
        10_000,
      )
      expect(served.at(-1)?.version).toBe(2)
    } finally {
      watcher.close()
      await core.deleteNamespace({ name: namespace })
    }
  }, 60_000)
})
