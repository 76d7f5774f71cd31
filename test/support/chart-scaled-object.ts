// The gateway's autoscaling objects exactly as charts/strata renders them where KEDA exists, for
// tests that run them against the real KEDA operator: `helm template` with KEDA's API version
// declared, the ScaledObject and the Deployment it scales taken out of the render, and server-side
// applied unchanged with the real kubectl. The trigger is read back through a zod schema so a test
// evaluates the chart's own PromQL, never a copy that could drift from the template.
import { spawnSync } from 'node:child_process'
import type { KubernetesObject } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import { z } from 'zod'
import { ensureBinaries } from '../control-plane/binaries.ts'
import { chartDirectory, createHelm, parseManifests, pick } from './helm.ts'

const GATEWAY = 'strata-gateway'

/** The fields of the chart's ScaledObject a test acts on; anything else passes through as is. */
const scaledObjectSchema = z.looseObject({
  apiVersion: z.literal('keda.sh/v1alpha1'),
  kind: z.literal('ScaledObject'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string() }),
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ kind: z.string(), name: z.string() }),
    minReplicaCount: z.number().int(),
    maxReplicaCount: z.number().int(),
    pollingInterval: z.number().int(),
    triggers: z
      .array(
        z.looseObject({
          type: z.literal('prometheus'),
          metricType: z.literal('AverageValue'),
          metadata: z.looseObject({
            serverAddress: z.string(),
            query: z.string(),
            threshold: z.string(),
          }),
        }),
      )
      .length(1),
  }),
})
export type ChartScaledObject = z.infer<typeof scaledObjectSchema>

export interface GatewayAutoscaling {
  scaledObject: ChartScaledObject
  /** The Deployment the ScaledObject targets (spec.scaleTargetRef), as rendered. */
  deployment: KubernetesObject
  /** The trigger's PromQL and threshold, as rendered. */
  query: string
  threshold: string
}

export interface RenderOptions {
  namespace: string
  prometheusAddress: string
  /** Extra `--set key=value` pairs (e.g. a short polling interval for a test). */
  values?: Record<string, string | number>
}

/** `helm template` of the chart for a cluster that serves keda.sh/v1alpha1/ScaledObject. */
export function renderGatewayAutoscaling(options: RenderOptions): GatewayAutoscaling {
  const values: Record<string, string | number> = {
    'autoscaling.keda.prometheusAddress': options.prometheusAddress,
    ...options.values,
  }
  const rendered = parseManifests(
    createHelm().ok([
      'template',
      'strata',
      chartDirectory,
      '--namespace',
      options.namespace,
      '--api-versions',
      'keda.sh/v1alpha1/ScaledObject',
      ...Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${String(value)}`]),
    ]),
  )
  const scaledObject = scaledObjectSchema.parse(pick(rendered, 'ScaledObject', GATEWAY))
  const target = scaledObject.spec.scaleTargetRef
  const deployment = pick(rendered, target.kind, target.name)
  const trigger = scaledObject.spec.triggers[0]
  if (!trigger) throw new Error('chart ScaledObject has no trigger')
  return {
    scaledObject,
    deployment,
    query: trigger.metadata.query,
    threshold: trigger.metadata.threshold,
  }
}

/** `kubectl apply --server-side` of the objects unchanged, as an operator of the cluster would. */
export function applyServerSide(kubeconfig: string, objects: object[]): void {
  const result = spawnSync(
    ensureBinaries().kubectl,
    [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '--server-side',
      '--field-manager=strata-tests',
      '-f',
      '-',
    ],
    {
      input: objects.map((object) => stringify(object)).join('---\n'),
      encoding: 'utf8',
      timeout: 60_000,
    },
  )
  if (result.status !== 0)
    throw new Error(
      `kubectl apply --server-side failed (${String(result.status)}):\n${result.stderr}`,
    )
}
