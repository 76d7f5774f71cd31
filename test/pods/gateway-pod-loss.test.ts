// Losing a gateway pod in the middle of a stream: its process is killed (SIGKILL, as the OOM
// killer or a node failure would), then the pod is deleted. The client holding the stream gets a
// clean error at once, not a hang, and new requests reach the surviving pod.
import { execFileSync } from 'node:child_process'
import OpenAI from 'openai'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { clusterFor, system } from './kubectl.ts'
import { eventually } from '../support/kube.ts'
import { emulatorFromHost, slowStreams } from './emulator-access.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const figure = (text: string) => process.stderr.write(`[pods:gateway-pod-loss] ${text}\n`)
const emulator = emulatorFromHost(cluster)

const secretValue = (key: string) =>
  Buffer.from(
    cluster.kubectl(
      'get',
      'secret',
      'research-openai',
      '-n',
      'research',
      '-o',
      `jsonpath={.data.${key}}`,
    ),
    'base64',
  ).toString()

interface GatewayPod {
  name: string
  ip: string
  containerId: string
}

function gatewayPods(): GatewayPod[] {
  const list = JSON.parse(
    cluster.kubectl(
      'get',
      'pods',
      '-n',
      system,
      '-l',
      'app.kubernetes.io/component=gateway',
      '-o',
      'json',
    ),
  ) as {
    items: {
      metadata: { name: string }
      status: { podIP: string; containerStatuses?: { containerID?: string }[] }
    }[]
  }
  return list.items.map((pod) => ({
    name: pod.metadata.name,
    ip: pod.status.podIP,
    containerId: (pod.status.containerStatuses?.[0]?.containerID ?? '').replace(
      'containerd://',
      '',
    ),
  }))
}

/** Streams in flight on one pod, from its own /metrics. */
async function inFlight(pod: GatewayPod): Promise<number> {
  const text = await (await fetch(`http://${pod.ip}:8080/metrics`)).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('strata_gateway_in_flight_requests'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

afterAll(() => emulator.reset())

describe('losing a gateway pod mid-stream', () => {
  it('ends the stream with a clean error and serves new requests from the survivor', async () => {
    await slowStreams(emulator, 30, 1)
    const ip = cluster.kubectl(
      'get',
      'service',
      'strata-gateway',
      '-n',
      system,
      '-o',
      'jsonpath={.spec.clusterIP}',
    )
    const client = new OpenAI({
      baseURL: `http://${ip}/v1`,
      apiKey: secretValue('OPENAI_API_KEY'),
      maxRetries: 0,
    })
    const stream = await client.chat.completions.create({
      model: 'summarise',
      messages: [{ role: 'user', content: 'a long answer please' }],
      stream: true,
    })
    const iterator = stream[Symbol.asyncIterator]()
    await iterator.next()
    const pods = gatewayPods()
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
    const pid = tasks
      .split('\n')
      .find((line) => line.startsWith(serving.containerId))
      ?.split(/\s+/)[1]
    expect(pid, `task of ${serving.name}`).toMatch(/^\d+$/)
    const killedAt = Date.now()
    process.kill(Number(pid), 'SIGKILL')
    cluster.kubectl('delete', 'pod', serving.name, '-n', system, '--grace-period=0', '--force')

    const outcome = await (async () => {
      try {
        for (;;) if ((await iterator.next()).done) return 'ended without an error'
      } catch (error) {
        return error instanceof Error ? error.constructor.name : String(error)
      }
    })()
    const errorAfterMs = Date.now() - killedAt
    figure(`stream on ${serving.name}: ${outcome} ${String(errorAfterMs)} ms after the kill`)
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
    cluster.kubectl(
      'rollout',
      'status',
      'deployment/strata-gateway',
      '-n',
      system,
      '--timeout=180s',
    )
  })
})
