// Losing a gateway pod in the middle of a stream: its process is killed (SIGKILL, as the OOM
// killer or a node failure would), then the pod is deleted. The client holding the stream gets a
// clean error at once, not a hang, and new requests reach the surviving pod.
import { execFileSync } from 'node:child_process'
import OpenAI from 'openai'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { clusterFor, system, waitForRollout } from './kubectl.ts'
import { componentPods, secretValue, serviceIp, type Pod } from './cluster-reads.ts'
import { eventually } from '../support/kube.ts'
import { emulatorFromHost, slowStreams } from './emulator-access.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const figure = (text: string) => process.stderr.write(`[pods:gateway-pod-loss] ${text}\n`)
const emulator = emulatorFromHost(cluster)

/** Streams in flight on one pod, from its own /metrics. */
async function inFlight(pod: Pod): Promise<number> {
  const text = await (await fetch(`http://${pod.status.podIP}:8080/metrics`)).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('strata_gateway_in_flight_requests'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

afterAll(() => emulator.reset())

describe('losing a gateway pod mid-stream', () => {
  it('ends the stream with a clean error and serves new requests from the survivor', async () => {
    await slowStreams(emulator, 30, 1)
    const client = new OpenAI({
      baseURL: `http://${serviceIp(cluster, 'strata-gateway')}/v1`,
      apiKey: secretValue(cluster, 'research', 'OPENAI_API_KEY'),
      maxRetries: 0,
    })
    const stream = await client.chat.completions.create({
      model: 'summarise',
      messages: [{ role: 'user', content: 'a long answer please' }],
      stream: true,
    })
    const iterator = stream[Symbol.asyncIterator]()
    await iterator.next()
    const pods = componentPods(cluster, 'gateway')
    const serving = await eventually(
      'the pod holding the stream',
      async () => {
        for (const pod of pods) if ((await inFlight(pod)) > 0) return pod
        return undefined
      },
      10_000,
    )
    const tasks = execFileSync(
      '/usr/bin/ctr',
      [
        '--address',
        `${inject('podNodeDir')}/containerd/containerd.sock`,
        '-n',
        'k8s.io',
        'tasks',
        'ls',
      ],
      { encoding: 'utf8' },
    )
    const containerId = (serving.status.containerStatuses?.[0]?.containerID ?? '').replace(
      'containerd://',
      '',
    )
    const pid = tasks
      .split('\n')
      .find((line) => line.startsWith(containerId))
      ?.split(/\s+/)[1]
    expect(pid, `task of ${serving.metadata.name}`).toMatch(/^\d+$/)
    const killedAt = Date.now()
    process.kill(Number(pid), 'SIGKILL')
    cluster.kubectl(
      'delete',
      'pod',
      serving.metadata.name,
      '-n',
      system,
      '--grace-period=0',
      '--force',
    )

    const outcome = await (async () => {
      try {
        for (;;) if ((await iterator.next()).done) return 'ended without an error'
      } catch (error) {
        return error instanceof Error ? error.constructor.name : String(error)
      }
    })()
    const errorAfterMs = Date.now() - killedAt
    figure(
      `stream on ${serving.metadata.name}: ${outcome} ${String(errorAfterMs)} ms after the kill`,
    )
    expect(outcome).toMatch(/Error$/)
    expect(errorAfterMs).toBeLessThan(5_000)

    let failures = 0
    let successes = 0
    const firstSuccess = await eventually(
      'new requests to succeed on the survivor',
      async () => {
        try {
          await client.chat.completions.create({
            model: 'summarise',
            messages: [{ role: 'user', content: 'hi' }],
          })
          successes += 1
          return successes >= 20 ? Date.now() - killedAt : undefined
        } catch {
          failures += 1
          successes = 0
          return undefined
        }
      },
      30_000,
    )
    figure(
      `20 requests in a row served ${String(firstSuccess)} ms after the kill; ${String(failures)} failed before`,
    )
    expect(failures).toBeLessThanOrEqual(3)
    // The Deployment replaces the pod; the next test starts from a whole fleet.
    waitForRollout(cluster, 'strata-gateway')
  })
})
