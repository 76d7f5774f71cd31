// `helm install` proven as users run it: the chart's pods Ready through their own probes with the
// locally built images, the operator leader-elected, the examples Ready against the emulator
// pod, and a client pod in an application namespace that has nothing but `envFrom` of its
// project's Secret calling http://strata-gateway.strata-system.svc/v1 with the official client.
import { describe, expect, inject, it } from 'vitest'
import { clusterFor, runClient, system, waitForRollout } from './kubectl.ts'
import { componentPods, secretValue } from './cluster-reads.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const images = inject('podImages')
const figure = (text: string) => process.stderr.write(`[pods:install] ${text}\n`)

describe('helm install on a real node', () => {
  it('runs the operator (2 replicas, one leader) and the gateway from the local images, Ready through their probes', () => {
    const figures = inject('installFigures')
    figure(
      `node start ${String(figures.nodeStartMs)} ms; emulator pod Ready ${String(figures.emulatorReadyMs)} ms; ` +
        `helm install --wait ${String(figures.chartReadyMs)} ms; examples Ready ${String(figures.examplesReadyMs)} ms`,
    )
    for (const deployment of ['strata-operator', 'strata-gateway'])
      // Other tests in this project replace pods; wait until this Deployment is whole again.
      waitForRollout(cluster, deployment)
    for (const [deployment, image] of [
      ['strata-operator', images.operator],
      ['strata-gateway', images.gateway],
    ] as const) {
      const object = JSON.parse(
        cluster.kubectl('get', 'deployment', deployment, '-n', system, '-o', 'json'),
      ) as {
        spec: { template: { spec: { containers: { image: string }[] } } }
        status: { readyReplicas?: number; replicas?: number }
      }
      expect(object.spec.template.spec.containers[0]?.image).toBe(image)
      expect(object.status.readyReplicas).toBe(2)
      for (const pod of componentPods(
        cluster,
        deployment === 'strata-gateway' ? 'gateway' : 'operator',
      )) {
        const ready = pod.status.conditions?.find((c) => c.type === 'Ready')
        expect(ready?.status, pod.metadata.name).toBe('True')
        const seconds =
          (Date.parse(ready?.lastTransitionTime ?? '') -
            Date.parse(pod.metadata.creationTimestamp)) /
          1000
        figure(`${pod.metadata.name}: created to Ready ${seconds.toFixed(0)} s`)
      }
    }
    const holder = cluster.kubectl(
      'get',
      'lease',
      '-n',
      system,
      '-o',
      'jsonpath={.items[*].spec.holderIdentity}',
    )
    expect(holder).toMatch(/^strata-operator-/)
  })

  it('serves an application pod that has only envFrom of its Secret: chat, a stream and embeddings through the Service name', async () => {
    const result = await runClient(cluster, {
      name: 'smoke-research',
      namespace: 'research',
      image: images.client,
      project: 'research',
      args: ['smoke', '--model', 'summarise', '--embedding-model', 'embed'],
    })
    expect(result).toMatchObject({ phase: 'Succeeded' })
    figure(`client pod smoke: ${JSON.stringify(result)}`)
    expect(secretValue(cluster, 'research', 'OPENAI_BASE_URL')).toBe(
      `http://strata-gateway.${system}.svc/v1`,
    )
  })
})
