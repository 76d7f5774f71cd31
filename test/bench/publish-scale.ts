// How long the operator takes to compile and publish the routing table at 1,000 and 5,000 routes,
// against a real apiserver: compile (pure), then server-side apply of the ConfigMap (gzip when
// large). Prints a markdown table. Run with `make bench`.
import { performance } from 'node:perf_hooks'
import type { BedrockProject, ModelRoute } from '@strata/crds'
import type { RouteInput } from '../../operator/src/controllers/model-route/route-outcomes.ts'
import { KubeClient } from '../../operator/src/kube/kube-client.ts'
import { compileTable, type ProjectInput } from '../../operator/src/routing/compile-table.ts'
import { TablePublisher } from '../../operator/src/routing/publisher.ts'
import { TableDirty } from '../../operator/src/controllers/table-dirty.ts'
import { CacheSync } from '../../operator/src/controllers/cache-sync.ts'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { kubeConfigFrom } from '../support/kube.ts'

const tags = {
  owner: 'bench',
  cost_center: 'cc',
  environment: 'bench',
  data_classification: 'internal',
}
const projectCount = 20

function projects(): BedrockProject[] {
  return Array.from({ length: projectCount }, (_, index) => ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'BedrockProject',
    metadata: { name: `p${String(index)}`, namespace: 'bench', generation: 1 },
    spec: {
      name: `Bench ${String(index)}`,
      region: 'us-east-1',
      tags,
      deletionPolicy: 'Archive',
      missingProjectPolicy: 'Recreate',
    },
    status: {
      projectId: `proj_bench${String(index)}`,
      clientKeys: [{ sha256: index.toString(16).padStart(64, '0') }],
      inferenceProfiles: [
        {
          modelId: 'anthropic.claude-sonnet-4-6',
          arn: `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p${String(index)}`,
        },
      ],
    },
  }))
}

function routes(count: number): ModelRoute[] {
  return Array.from({ length: count }, (_, index) => ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: {
      name: `r${String(index)}`,
      namespace: 'bench',
      generation: 1,
      creationTimestamp: '2026-11-22T00:00:00Z',
    },
    spec: {
      projectRef: { name: `p${String(index % projectCount)}` },
      model: `alias-${String(index)}`,
      backends: [
        { kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6', weight: 9, priority: 0 },
        { kind: 'mantle', modelId: 'openai.gpt-oss-120b', weight: 1, priority: 0 },
      ],
      strict: false,
    },
  }))
}

const plane = await startControlPlane()
try {
  const config = kubeConfigFrom(plane.kubeconfig)
  const kube = new KubeClient(config, 'bench', () => undefined)
  const rows: string[] = []
  for (const count of [1_000, 5_000]) {
    const routeObjects = routes(count)
    const projectObjects = projects()
    let published = 0
    const publisher = new TablePublisher({
      kube,
      namespace: 'default',
      cache: {
        projects: { list: () => projectObjects },
        routes: {
          list: () =>
            routeObjects.map((route, index) => ({
              ...route,
              spec: { ...route.spec, model: `alias-${String(index)}-v${String(published)}` },
            })),
        },
      },
      now: () => new Date(),
      log: () => undefined,
      // Publishes are called directly below; nothing marks the table dirty, and no status is written.
      dirty: new TableDirty(new CacheSync([])),
      routeStatus: { write: () => Promise.resolve() },
    })
    const compileStart = performance.now()
    const projectInputs: ProjectInput[] = projectObjects.map((p) => ({
      namespace: 'bench',
      name: p.metadata.name ?? '',
      region: 'us-east-1',
      projectId: p.status?.projectId,
      projectArn: undefined,
      tags,
      keys: p.status?.clientKeys ?? [],
      profiles: {},
    }))
    const routeInputs: RouteInput[] = routeObjects.map((r) => ({
      namespace: 'bench',
      name: r.metadata.name ?? '',
      creationTimestamp: '2026-11-22T00:00:00Z',
      spec: r.spec,
    }))
    compileTable(projectInputs, routeInputs)
    const compileMs = performance.now() - compileStart
    const samples: number[] = []
    for (let round = 0; round < 5; round++) {
      published = round
      const started = performance.now()
      await publisher.publish()
      samples.push(performance.now() - started)
    }
    samples.sort((a, b) => a - b)
    const stored = await kube.read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'strata-routing-table', namespace: 'default' },
    })
    const size = JSON.stringify(
      (stored as { data?: unknown; binaryData?: unknown } | undefined) ?? {},
    ).length
    rows.push(
      `| ${String(count)} | ${compileMs.toFixed(0)} | ${samples[2]?.toFixed(0) ?? ''} | ${samples[4]?.toFixed(0) ?? ''} | ${(size / 1024).toFixed(0)} KiB |`,
    )
    process.stderr.write(`[bench] ${String(count)} routes done\n`)
  }
  process.stdout.write(`
Routing table compile and publish (${String(projectCount)} projects, 2 backends per route; validate + compile + encode + server-side apply of the ConfigMap; 5 rounds)

| routes | first compile only (ms) | publish p50 (ms) | publish max (ms) | ConfigMap payload |
|---|---|---|---|---|
${rows.join('\n')}
`)
} finally {
  await plane.stop()
}
