// A rolling upgrade under steady traffic: a client pod sends requests and holds streams open
// while `helm upgrade` replaces every gateway pod. Readiness, the preStop pause, the drain on
// SIGTERM, maxUnavailable 0 and the PodDisruptionBudget together must lose nothing.
import { afterAll, describe, expect, inject, it } from 'vitest'
import { clusterFor, kubectlUntil, runClient } from './kubectl.ts'
import { componentPods } from './cluster-reads.ts'
import { emulatorFromHost, slowStreams } from './emulator-access.ts'
import { eventually } from '../support/kube.ts'
import { strataValues, loadArgs } from './objects/strata.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const images = inject('podImages')
const figure = (text: string) => process.stderr.write(`[pods:rolling-upgrade] ${text}\n`)
const emulator = emulatorFromHost(cluster)

const gatewayPods = (): string[] =>
  componentPods(cluster, 'gateway').map((pod) => pod.metadata.name)

afterAll(() => emulator.reset())

describe('helm upgrade under load', () => {
  it('replaces every gateway pod with zero failed requests and zero broken streams', async () => {
    const before = gatewayPods()
    await slowStreams(emulator, 3, 100_000)
    const load = runClient(
      cluster,
      {
        name: 'steady-load',
        namespace: 'research',
        image: images.client,
        project: 'research',
        args: loadArgs(60, 6, 0.5),
      },
      240_000,
    )
    // Traffic flowing before the upgrade starts.
    await kubectlUntil(
      cluster,
      'the load pod to run',
      ['get', 'pod', 'steady-load', '-n', 'research', '-o', 'jsonpath={.status.phase}'],
      'Running',
    )
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const from = Date.now()
    cluster.installOrUpgrade(
      strataValues(images, {
        gateway: { podAnnotations: { 'strata.dev/upgraded-at': String(from) } },
      }),
    )
    // helm --wait returns once the new pods are Ready; the old ones are still draining.
    const after = await eventually(
      'the old gateway pods to be gone',
      () => {
        const pods = gatewayPods()
        return pods.some((pod) => before.includes(pod)) ? undefined : pods
      },
      90_000,
      1_000,
    )
    figure(
      `upgrade rolled ${String(before.length)} gateway pods in ${String(Date.now() - from)} ms: ${before.join(',')} -> ${after.join(',')}`,
    )
    expect(after.some((pod) => before.includes(pod))).toBe(false)
    const result = await load
    figure(`load during the upgrade: ${JSON.stringify(result)}`)
    expect(result).toMatchObject({ failed: 0, streamsBroken: 0 })
    // A request sent on a connection the server closed at that moment reached no handler; the
    // client sent it once more (as the OpenAI SDKs do). Rare, and each one is named: a drain that
    // cut connections wholesale would show hundreds.
    expect(Number(result['reconnected'])).toBeLessThanOrEqual(
      Math.ceil(Number(result['sent']) / 10_000),
    )
    expect(Number(result['sent'])).toBeGreaterThan(100)
    expect(Number(result['streamsStarted'])).toBeGreaterThan(10)
  })
})
