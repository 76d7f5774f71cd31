// Requests per second per gateway pod, measured in the cluster at the chart's default resources
// (CPU request 250m, no CPU limit): a client pod sends non-streaming chat completions through the
// Service as fast as the gateways answer them. The client, the emulator and every pod share this
// machine's two cores, so the figure is a floor for a pod with a node of its own.
import { describe, expect, inject, it } from 'vitest'
import { clusterFor, runClient } from './kubectl.ts'
import { loadArgs } from './objects/strata.ts'
import { field } from './cluster-reads.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const images = inject('podImages')
const figure = (text: string) => process.stderr.write(`[pods:throughput] ${text}\n`)
const SECONDS = 20

describe('gateway throughput in the cluster', () => {
  it('serves non-streaming chat completions through the Service and reports requests per second per pod', async () => {
    const gateway = (path: string) => field(cluster, 'deployment', 'strata-gateway', path)
    const resources = gateway('{.spec.template.spec.containers[0].resources}')
    const pods = Number(gateway('{.status.readyReplicas}'))
    const result = await runClient(cluster, {
      name: 'throughput',
      namespace: 'research',
      image: images.client,
      project: 'research',
      args: loadArgs(SECONDS, 16, 0),
    })
    const sent = Number(result['sent'])
    const perPod = sent / SECONDS / pods
    figure(
      `${String(sent)} requests in ${String(SECONDS)} s over ${String(pods)} pods (resources ${resources}): ` +
        `${(sent / SECONDS).toFixed(0)} req/s in all, ${perPod.toFixed(0)} req/s per pod; failed ${String(result['failed'])}`,
    )
    expect(result).toMatchObject({ failed: 0 })
    expect(perPod).toBeGreaterThan(10)
  })
})
