// A real Prometheus (the Debian package) for tests: loopback only, a temporary config and TSDB,
// a one-second scrape interval, and static targets that carry the `namespace` and `service` labels
// a Kubernetes service discovery would add, so the chart's ScaledObject query works unchanged.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import {
  freePort,
  logTail,
  startProcess,
  stopPid,
  waitFor,
  type Started,
} from '../control-plane/processes.ts'

export interface ScrapeTarget {
  /** host:port of a /metrics endpoint. */
  address: string
  labels: { namespace: string; service: string } & Record<string, string>
}

export interface Sample {
  metric: Record<string, string>
  value: number
}

export interface RunningPrometheus {
  url: string
  process: Started
  /** An instant query through the HTTP API, as KEDA's Prometheus scaler sends it. */
  query(promql: string): Promise<Sample[]>
  /** Resolves once every target has been scraped successfully (`up == 1`). */
  waitForTargets(count: number, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

const binaryCandidates = ['/usr/bin/prometheus', '/usr/local/bin/prometheus']

const queryAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
})

/** prometheus.yml as JSON, which is valid YAML. One job; each target keeps its own labels. */
export function prometheusConfig(targets: ScrapeTarget[], intervalSeconds = 1): string {
  const interval = `${String(intervalSeconds)}s`
  return JSON.stringify(
    {
      global: { scrape_interval: interval, evaluation_interval: interval },
      scrape_configs: [
        {
          job_name: 'strata-gateway',
          scrape_interval: interval,
          scrape_timeout: interval,
          metrics_path: '/metrics',
          static_configs: targets.map((target) => ({
            targets: [target.address],
            labels: target.labels,
          })),
        },
      ],
    },
    null,
    2,
  )
}

export async function startPrometheus(targets: ScrapeTarget[]): Promise<RunningPrometheus> {
  const binary = binaryCandidates.find((path) => existsSync(path))
  if (binary === undefined)
    throw new Error(
      'prometheus not found in /usr/bin: install the Debian package (test/setup.sh does)',
    )
  const dir = await mkdtemp(join(tmpdir(), 'strata-prometheus-'))
  const configFile = join(dir, 'prometheus.yml')
  await writeFile(configFile, prometheusConfig(targets))
  const port = await freePort()
  const url = `http://127.0.0.1:${String(port)}`
  const started = startProcess(
    'prometheus',
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${String(port)}`,
      '--log.level=warn',
    ],
    join(dir, 'prometheus.log'),
  )
  const stop = async (): Promise<void> => {
    await stopPid(started.pid)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(started, async () => (await fetch(`${url}/-/ready`)).ok, 30_000)
  } catch (error) {
    await stop()
    throw error
  }

  const query = async (promql: string): Promise<Sample[]> => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const text = await response.text()
    if (!response.ok) throw new Error(`prometheus query ${promql} failed: ${text}`)
    return queryAnswer
      .parse(JSON.parse(text))
      .data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }))
  }

  const waitForTargets = async (count: number, timeoutMs = 30_000): Promise<void> => {
    const check = async () => (await query('sum(up{job="strata-gateway"})'))[0]?.value === count
    await waitFor(started, check, timeoutMs).catch((error: unknown) => {
      throw new Error(
        `prometheus did not scrape ${String(count)} targets: ${String(error)}\n${logTail(started.logPath)}`,
      )
    })
  }

  return { url, process: started, query, waitForTargets, stop }
}
