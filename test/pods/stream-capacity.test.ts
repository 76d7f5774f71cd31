// Concurrent streams one gateway pod carries, measured in the cluster (issue 20): one gateway
// replica with the chart's resources (CPU request 250m, memory limit 512Mi) and a CPU limit
// added, so that the pod gets no more CPU than it is given; the emulator pod paces every
// ConverseStream as the streaming benchmark does (20 content events 100 ms apart, each in its own
// write); the benchmark's stream client (test/bench/stream-client.ts) runs on this host and holds
// N streams open through the gateway Service, and as many straight to the emulator's Service (the
// floor: what the same path costs without the gateway). Per step it prints the streams completed,
// the time to first token and the gaps between chunks over the floor's, and the pod's own CPU and
// peak memory read from its /metrics. A step is "carried" when nothing failed, the first token
// came within 100 ms of the floor's (p99) and chunks kept their pace (gap p99 within 100 ms of the
// floor's). The client, the emulator and the node share this machine's two cores, so the figures
// are a floor for a pod with a node of its own. A second test offers eight times what a 250m pod
// carries, without and with gateway.shedLoopDelayMs, and checks that the bound refuses the excess
// at once and gets admitted newcomers started sooner (docs/autoscaling.md).
// Knobs: STRATA_POD_STREAM_STEPS="250m:50,100,200,400;1:250,500,1000" (CPU limit: stream counts).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { clusterFor, system } from './kubectl.ts'
import { emulatorNamespace, emulatorService } from './objects/strata.ts'
import { componentPods, secretValue, serviceIp } from './cluster-reads.ts'
import { emulatorFromHost } from './emulator-access.ts'
import { strataValues } from './objects/strata.ts'
import { pacedScenario, streamMarker } from '../bench/stream-scenario.ts'
import { chatBody } from '../bench/targets.ts'
import { CONVERSE_MODEL_ID } from '../bench/target-processes.ts'
import type { RequestSpec } from '../bench/request-spec.ts'
import type { StreamResult } from '../bench/stream-client.ts'
import { eventually } from '../support/kube.ts'

const run = promisify(execFile)
const cluster = clusterFor(inject('podKubeconfig'))
const images = inject('podImages')
// A summary of no samples is NaN, which JSON carries as null.
const ms = (value: number | null): string => (value === null ? '–' : value.toFixed(0))
const figure = (text: string) => process.stderr.write(`[pods:stream-capacity] ${text}\n`)
const streamClient = join(import.meta.dirname, '..', 'bench', 'stream-client.ts')
const SECONDS = 6
const WARMUP_SECONDS = 2
// Well past what one pod at this limit carries on time (about 50 streams, docs/autoscaling.md).
const OVERLOAD_CPU = '250m'
const OVERLOAD_STREAMS = 400
const SHED_LOOP_DELAY_MS = 100

function steps(): { cpu: string; streams: number[] }[] {
  const given = process.env['STRATA_POD_STREAM_STEPS'] ?? '250m:50,100,200,400;1:250,500,1000'
  return given.split(';').map((part) => {
    const [cpu = '', counts = ''] = part.split(':')
    const streams = counts.split(',').map(Number)
    if (cpu === '' || streams.some((count) => !Number.isInteger(count) || count <= 0))
      throw new Error(`STRATA_POD_STREAM_STEPS: cannot read '${part}' (cpu:count,count,...)`)
    return { cpu, streams }
  })
}

// One gateway pod with a CPU limit, no autoscaler, and no --max-in-flight bound (the bound is
// what the chart answers past capacity with; here the capacity itself is measured). The
// loop-delay bound is off unless asked for, for the same reason.
function oneGatewayPod(cpu: string, shedLoopDelayMs = 0) {
  return strataValues(images, {
    autoscaling: { enabled: false },
    gateway: {
      replicas: 1,
      maxInFlightRequests: 0,
      shedLoopDelayMs,
      resources: {
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu, memory: '512Mi' },
      },
    },
  })
}

async function gatewayPod(): Promise<{ name: string; ip: string; restarts: number }> {
  return eventually(
    'one Ready gateway pod',
    () => {
      const pods = componentPods(cluster, 'gateway')
      const [pod] = pods
      const ready = pod?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      if (pods.length !== 1 || pod === undefined || ready !== true) return undefined
      return {
        name: pod.metadata.name,
        ip: pod.status.podIP,
        restarts: pod.status.containerStatuses?.[0]?.restartCount ?? 0,
      }
    },
    // The step before may leave a pod draining its streams (the chart's shutdown delay and grace
    // period), and a new pod at 250m starts slowly on a node the whole suite loads: 120 s once
    // ran out in CI while the next test's pods came up fine.
    240_000,
    1_000,
  )
}

// The pod's own process figures, from prom-client's default metrics.
async function processFigures(ip: string): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const text = await (await fetch(`http://${ip}:8080/metrics`)).text()
  const value = (name: string): number => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `))
    if (line === undefined) throw new Error(`the gateway's /metrics has no ${name}`)
    return Number(line.slice(name.length + 1))
  }
  return {
    cpuSeconds: value('process_cpu_seconds_total'),
    rssBytes: value('process_resident_memory_bytes'),
  }
}

// N streams held open for SECONDS after WARMUP_SECONDS, by the benchmark's client in a process
// of its own.
async function holdStreams(spec: RequestSpec, concurrency: number): Promise<StreamResult> {
  const file = join(workDirectory, `run-${String(Date.now())}.json`)
  await writeFile(
    file,
    JSON.stringify({
      spec,
      concurrency,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      marker: streamMarker,
    }),
  )
  const { stdout } = await run(process.execPath, [streamClient, file], {
    timeout: (SECONDS + WARMUP_SECONDS + 60) * 1000,
    maxBuffer: 16 << 20,
  })
  return JSON.parse(stdout) as StreamResult
}

interface Step {
  cpu: string
  streams: number
  result: StreamResult
  cpuPercent: number
  peakRssMiB: number
  carried: boolean
}

const measured: Step[] = []
const workDirectory = await mkdtemp(join(tmpdir(), 'strata-pod-streams-'))

afterAll(async () => {
  // The other pod tests expect the chart's defaults.
  cluster.installOrUpgrade(strataValues(images))
  await rm(workDirectory, { recursive: true, force: true })
})

// The paced streams through the gateway Service, and the same streams straight to the emulator's
// Service (the floor).
async function streamSpecs(): Promise<{ spec: RequestSpec; floorSpec: RequestSpec }> {
  const emulator = emulatorFromHost(cluster)
  await emulator.script({
    match: { operation: 'converse-stream' },
    times: 1_000_000_000,
    scenario: pacedScenario,
  })
  const url = `http://${serviceIp(cluster, 'strata-gateway', system)}/v1/chat/completions`
  const spec = {
    url,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${secretValue(cluster, 'research', 'OPENAI_API_KEY')}`,
    },
    body: chatBody('summarise', true),
  }
  const emulatorIp = serviceIp(cluster, emulatorService, emulatorNamespace)
  const floorSpec: RequestSpec = {
    url: `http://${emulatorIp}/model/${encodeURIComponent(CONVERSE_MODEL_ID)}/converse-stream`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer floor' },
    body: JSON.stringify({
      messages: [{ role: 'user', content: [{ text: 'Say hello to the benchmark.' }] }],
      inferenceConfig: { maxTokens: 64 },
    }),
  }
  return { spec, floorSpec }
}

describe('streams per gateway pod', () => {
  it('measures the concurrent paced streams one pod carries at a CPU limit', async () => {
    const { spec, floorSpec } = await streamSpecs()
    // The emulator's own figures per stream count; its pod has no CPU limit, so one each.
    const floors = new Map<number, StreamResult>()
    for (const { cpu, streams } of steps()) {
      cluster.installOrUpgrade(oneGatewayPod(cpu))
      const pod = await gatewayPod()
      figure(`CPU limit ${cpu}, memory limit 512Mi: pod ${pod.name}`)
      for (const concurrency of streams) {
        floors.set(
          concurrency,
          floors.get(concurrency) ?? (await holdStreams(floorSpec, concurrency)),
        )
        const floor = floors.get(concurrency)
        if (floor === undefined) throw new Error('no floor')
        const before = await processFigures(pod.ip)
        const began = performance.now()
        let peak = before.rssBytes
        const sampler = setInterval(() => {
          processFigures(pod.ip).then(
            (now) => (peak = Math.max(peak, now.rssBytes)),
            () => undefined,
          )
        }, 500)
        let result: StreamResult
        try {
          result = await holdStreams(spec, concurrency)
        } finally {
          clearInterval(sampler)
        }
        const after = await processFigures(pod.ip)
        const wall = (performance.now() - began) / 1000
        const cpuPercent = (100 * (after.cpuSeconds - before.cpuSeconds)) / wall
        const peakRssMiB = Math.max(peak, after.rssBytes) / (1 << 20)
        const addedTtft = result.ttft.p99 - floor.ttft.p99
        const addedGap = result.gap.p99 - floor.gap.p99
        const carried =
          result.failed === 0 && result.streams > 0 && addedTtft <= 100 && addedGap <= 100
        measured.push({ cpu, streams: concurrency, result, cpuPercent, peakRssMiB, carried })
        figure(
          `${String(concurrency)} streams at CPU limit ${cpu}: ${String(result.streams)} completed, ` +
            `${String(result.failed)} failed; TTFT p50/p99 ${result.ttft.p50.toFixed(0)}/${result.ttft.p99.toFixed(0)} ms ` +
            `(floor ${floor.ttft.p50.toFixed(0)}/${floor.ttft.p99.toFixed(0)}: p99 +${addedTtft.toFixed(0)}); ` +
            `chunk gap p99 ${result.gap.p99.toFixed(0)} ms (floor ${floor.gap.p99.toFixed(0)}); ` +
            `pod CPU ${cpuPercent.toFixed(0)} % of a core, ${((1e6 * (after.cpuSeconds - before.cpuSeconds)) / Math.max(1, result.chunks)).toFixed(0)} µs per chunk; ` +
            `peak RSS ${peakRssMiB.toFixed(0)} MiB; ${carried ? 'carried' : 'NOT carried'}`,
        )
      }
      const restarts = (await gatewayPod()).restarts - pod.restarts
      expect(restarts, `the gateway pod restarted (OOM?) at CPU limit ${cpu}`).toBe(0)
      const best = measured.filter((step) => step.cpu === cpu && step.carried).at(-1)
      figure(
        `CPU limit ${cpu}: carried up to ${best === undefined ? 'none of the steps' : `${String(best.streams)} streams (${best.cpuPercent.toFixed(0)} % of a core, ${best.peakRssMiB.toFixed(0)} MiB)`}`,
      )
    }
    // Every step measured something, the smallest without a failure, and memory stayed in bounds.
    expect(measured.map((step) => step.result.streams > 0)).not.toContain(false)
    expect(measured[0]?.result.failed, JSON.stringify(measured[0])).toBe(0)
    for (const step of measured) expect(step.peakRssMiB).toBeLessThan(512)
  })

  it('past its CPU, a pod with the loop-delay bound refuses the excess at once and starts admitted newcomers sooner', async () => {
    const { spec, floorSpec } = await streamSpecs()
    const floor = await holdStreams(floorSpec, OVERLOAD_STREAMS)
    const outcomes: { bound: number; result: StreamResult }[] = []
    for (const bound of [0, SHED_LOOP_DELAY_MS]) {
      cluster.installOrUpgrade(oneGatewayPod(OVERLOAD_CPU, bound))
      await gatewayPod()
      const result = await holdStreams(spec, OVERLOAD_STREAMS)
      outcomes.push({ bound, result })
      figure(
        `${String(OVERLOAD_STREAMS)} streams at CPU limit ${OVERLOAD_CPU}, ` +
          `${bound === 0 ? 'no loop-delay bound' : `--shed-loop-delay-ms ${String(bound)}`}: ` +
          `${String(result.streams)} completed, ${String(result.refused)} refused at once (503), ` +
          `${String(result.failed - result.refused)} failed otherwise ${JSON.stringify(result.otherFailures)}; admitted TTFT p50/p99 ` +
          `${ms(result.ttft.p50)}/${ms(result.ttft.p99)} ms (floor ` +
          `${ms(floor.ttft.p50)}/${ms(floor.ttft.p99)}); chunk gap p99 ` +
          `${ms(result.gap.p99)} ms (floor ${ms(floor.gap.p99)}); newcomers: accepted p99 ${ms(result.probe.accept.p99)} ms, TTFT p99 ` +
          `${ms(result.probe.ttft.p99)} ms, ${String(result.probe.failed)} of ` +
          `${String(result.probe.failed + result.probe.ttft.count)} refused`,
      )
    }
    const [plain, shed] = outcomes
    if (plain === undefined || shed === undefined) throw new Error('a run is missing')
    // Without the bound nothing is refused: every stream waits its turn on the starved process.
    expect(plain.result.refused).toBe(0)
    expect(plain.result.failed).toBe(0)
    // With it the excess is refused at once, and a newcomer that is admitted starts far sooner
    // than it did waiting its turn. (The admitted lanes' first tokens are printed, not asserted:
    // on this shared machine they gain a lot when the node has CPU to spare and little when the
    // node itself is saturated.) Streams that fail in other ways are printed with their kinds:
    // before refusals closed their connections, a lane's retry on its kept-alive connection met
    // the adapter's late close as ECONNRESET (up to 43 of about 360 streams); since, none in the
    // runs made. More than 2 % fails the test.
    expect(shed.result.refused).toBeGreaterThan(0)
    expect(shed.result.failed - shed.result.refused).toBeLessThanOrEqual(
      Math.ceil(0.02 * (shed.result.streams + shed.result.failed)),
    )
    expect(shed.result.streams).toBeGreaterThan(0)
    expect(shed.result.probe.ttft.count).toBeGreaterThan(0)
    expect(shed.result.probe.ttft.p99).toBeLessThan(plain.result.probe.ttft.p99 / 2)
  })
})
