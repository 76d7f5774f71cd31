// `node test/bench/stream-client.ts SPEC.json`: keeps N streaming requests in flight for a while
// and measures, per stream, the time to the first content event (TTFT) and the gaps between
// content events as they arrive off the socket. Content events are found by the marker word the
// emulator is scripted to stream, so role, usage and stop events are ignored on every wire format
// (SSE and Bedrock's event stream alike), and each counts however many arrive in one read: a
// target may write several at once (Strata's read queue does when a stream's reads waited
// together), and counting reads would charge its CPU to fewer chunks. Prints one JSON line of
// results.
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { postSpec, type RequestSpec } from './request-spec.ts'
import { summarize, type LatencySummary } from './stats.ts'

export interface StreamRun {
  spec: RequestSpec
  concurrency: number
  seconds: number
  /** Streams started in the first seconds (connection set-up, JIT) are not counted. */
  warmupSeconds: number
  marker: string
}

export interface StreamResult {
  concurrency: number
  streams: number
  failed: number
  ttft: LatencySummary
  gap: LatencySummary
  /** TTFT of every stream, the ramp's first wave included. */
  ttftAll: LatencySummary
  /** From the request to the last content chunk, per counted stream. */
  duration: LatencySummary
  /** Content chunks received over the whole run, warm-up included (the CPU covers it too). */
  chunks: number
  /** Answers 503 (a gateway past its capacity refuses at once), among the failed (counted streams). */
  refused: number
  /** The other failures among the counted streams, by kind: `status 502`, an error code, `no content`. */
  otherFailures: Record<string, number>
  /**
   * A newcomer every 100 ms after the ramp, on a fresh connection: the time until the target
   * accepted the connection, and its time to first token (fairness while the target is busy).
   */
  probe: { accept: LatencySummary; ttft: LatencySummary; failed: number }
}

interface Sink {
  ttft: number[]
  gaps: number[]
  durations: number[]
  failed: number
  streams: number
}

interface Totals {
  ttftAll: number[]
  chunks: number
  refused: number
  otherFailures: Record<string, number>
}

interface Probe {
  accept: number[]
  ttft: number[]
  failed: number
}

/** How many times `marker` occurs in `chunk`: the content events one read holds. */
export function contentEventsIn(chunk: Buffer, marker: Buffer): number {
  let count = 0
  for (let at = chunk.indexOf(marker); at >= 0; at = chunk.indexOf(marker, at + marker.length))
    count++
  return count
}

// One newcomer's stream on a connection of its own.
function probeStream(run: StreamRun, url: URL, probe: Probe, totals: Totals): Promise<void> {
  const marker = Buffer.from(run.marker)
  return new Promise((resolve) => {
    const started = performance.now()
    let first = true
    const fail = () => {
      probe.failed++
      resolve()
    }
    const outgoing = request(
      {
        agent: false,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...run.spec.headers, 'content-length': Buffer.byteLength(run.spec.body) },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume()
          fail()
          return
        }
        response.on('data', (chunk: Buffer) => {
          const events = contentEventsIn(chunk, marker)
          if (events === 0) return
          // Its chunks cost the target CPU like any other's.
          totals.chunks += events
          if (first) {
            first = false
            probe.ttft.push(performance.now() - started)
          }
        })
        response.on('end', resolve)
        response.on('error', fail)
      },
    )
    outgoing.on('socket', (socket) => {
      socket.once('connect', () => probe.accept.push(performance.now() - started))
    })
    outgoing.setTimeout(30_000, () => outgoing.destroy())
    outgoing.on('error', fail)
    outgoing.end(run.spec.body)
  })
}

function stream(
  agent: Agent,
  run: StreamRun,
  url: URL,
  sink: Sink,
  counted: boolean,
  totals: Totals,
): Promise<number> {
  const marker = Buffer.from(run.marker)
  // A warm-up stream still runs, into a sink nobody reads.
  if (!counted) sink = { ttft: [], gaps: [], durations: [], failed: 0, streams: 0 }
  // Resolves with how long the lane waits before its next stream: a refusal's Retry-After, as the
  // OpenAI and Anthropic SDKs honour it, rather than a retry storm no real client makes.
  return new Promise((resolve) => {
    const next = () => {
      resolve(0)
    }
    const started = performance.now()
    let last: number | undefined
    // Why a counted stream failed, other than a refusal.
    const note = (kind: string): void => {
      if (counted) totals.otherFailures[kind] = (totals.otherFailures[kind] ?? 0) + 1
    }
    const fail = (error: Error & { code?: string }) => {
      sink.failed++
      note(error.code ?? error.message)
      resolve(0)
    }
    postSpec(
      agent,
      run.spec,
      url,
      30_000,
      (response) => {
        if (response.statusCode !== 200) {
          response.resume()
          sink.failed++
          if (response.statusCode !== 503) {
            note(`status ${String(response.statusCode)}`)
            next()
            return
          }
          if (counted) totals.refused++
          resolve(1000 * (Number(response.headers['retry-after']) || 0))
          return
        }
        response.on('data', (chunk: Buffer) => {
          const events = contentEventsIn(chunk, marker)
          if (events === 0) return
          const now = performance.now()
          totals.chunks += events
          if (last === undefined) {
            sink.ttft.push(now - started)
            totals.ttftAll.push(now - started)
          } else sink.gaps.push(now - last)
          // The others in the same read came with no gap after the one before them.
          for (let more = 1; more < events; more++) sink.gaps.push(0)
          last = now
        })
        response.on('end', () => {
          if (last === undefined) {
            sink.failed++
            note('no content')
          } else {
            sink.streams++
            sink.durations.push(last - started)
          }
          next()
        })
        response.on('error', fail)
      },
      fail,
    )
  })
}

export async function runStreams(run: StreamRun): Promise<StreamResult> {
  const url = new URL(run.spec.url)
  const agent = new Agent({ keepAlive: true, maxSockets: run.concurrency })
  const sink: Sink = { ttft: [], gaps: [], durations: [], failed: 0, streams: 0 }
  const totals: Totals = { ttftAll: [], chunks: 0, refused: 0, otherFailures: {} }
  const probe: Probe = { accept: [], ttft: [], failed: 0 }
  const start = performance.now()
  const countFrom = start + run.warmupSeconds * 1000
  const end = countFrom + run.seconds * 1000
  // Closed loop: each of the N lanes starts its next stream when the previous one ends. Lanes
  // start spread over half a second, so the first wave does not measure a connection storm.
  const lane = async (index: number) => {
    await new Promise((resolve) => setTimeout(resolve, (index * 500) / run.concurrency))
    for (let now = performance.now(); now < end; now = performance.now()) {
      const waitMs = await stream(agent, run, url, sink, now >= countFrom, totals)
      if (waitMs > 0)
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(waitMs, end - performance.now())),
        )
    }
  }
  const probes: Promise<void>[] = []
  const prober = async () => {
    await new Promise((resolve) => setTimeout(resolve, countFrom - performance.now()))
    while (performance.now() < end) {
      probes.push(probeStream(run, url, probe, totals))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  await Promise.all([
    ...Array.from({ length: run.concurrency }, (_, index) => lane(index)),
    prober(),
  ])
  await Promise.all(probes)
  agent.destroy()
  return {
    concurrency: run.concurrency,
    streams: sink.streams,
    failed: sink.failed,
    ttft: summarize(sink.ttft),
    gap: summarize(sink.gaps),
    ttftAll: summarize(totals.ttftAll),
    duration: summarize(sink.durations),
    chunks: totals.chunks,
    refused: totals.refused,
    otherFailures: totals.otherFailures,
    probe: { accept: summarize(probe.accept), ttft: summarize(probe.ttft), failed: probe.failed },
  }
}

if (import.meta.main) {
  const path = process.argv[2]
  if (path === undefined) throw new Error('usage: stream-client.ts SPEC.json')
  const run = JSON.parse(readFileSync(path, 'utf8')) as StreamRun
  const result = await runStreams(run)
  // Exit at once: requests a slow target never answered must not hold the process open.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0))
}
