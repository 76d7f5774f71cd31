// Maximum throughput at fixed concurrency with wrk (Debian): one thread, so the load generator
// leaves as much of the machine as possible to the target. POST bodies go in a Lua script
// (wrk's documented `wrk.method`/`wrk.body`/`wrk.headers` globals).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { RequestSpec } from './request-spec.ts'

const run = promisify(execFile)

export interface WrkResult {
  requests: number
  seconds: number
  requestsPerSecond: number
  /** Responses with a status outside 2xx/3xx plus socket errors. */
  failures: number
  latencyP50Ms: number
  latencyP99Ms: number
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

export function wrkScript(spec: RequestSpec): string {
  const headers = Object.entries(spec.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n')
  return `wrk.method = "POST"\nwrk.body = ${luaString(spec.body)}\n${headers}\n`
}

function milliseconds(value: string, unit: string): number {
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }
  return Number(value) * (scale[unit] ?? Number.NaN)
}

/** Parses wrk's text report (`--latency` adds the percentile lines). */
export function parseWrk(output: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(output)
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output)
  const percentileOf = (label: string) => {
    const match = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(output)
    return match ? milliseconds(match[1] ?? '', match[2] ?? '') : Number.NaN
  }
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  if (!total || !rate) throw new Error(`unreadable wrk output:\n${output}`)
  return {
    requests: Number(total[1]),
    seconds: milliseconds(total[2] ?? '', total[3] ?? '') / 1000,
    requestsPerSecond: Number(rate[1]),
    failures: non2xx + socketErrors,
    latencyP50Ms: percentileOf('50'),
    latencyP99Ms: percentileOf('99'),
  }
}

export async function runWrk(
  spec: RequestSpec,
  options: { connections: number; seconds: number; workDirectory: string },
): Promise<WrkResult> {
  const script = join(options.workDirectory, `wrk-${String(Date.now())}.lua`)
  await writeFile(script, wrkScript(spec))
  const { stdout } = await run(
    'wrk',
    [
      '-t1',
      `-c${String(options.connections)}`,
      `-d${String(options.seconds)}s`,
      '--timeout',
      '10s',
      '--latency',
      '-s',
      script,
      spec.url,
    ],
    { timeout: (options.seconds + 30) * 1000 },
  )
  return parseWrk(stdout)
}
