// `node test/bench/profile-gateway.ts [converse|mantle|converse-stream|mantle-stream|converse-slow-stream|mantle-slow-stream] [seconds]`:
// strata-gateway under load with `node --cpu-prof`, then the top self-time functions and packages.
// The *-slow-stream modes run the benchmark's streams (a chunk every 100 ms) at
// STRATA_PROFILE_STREAMS concurrent streams (default 100), the others wrk. This is how the hot
// path was read for issue 8; rerun it after a change to see what moved.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rankSelfTime, rankTotalTime } from './cpu-profile.ts'
import { measureStreams, measureThroughput } from './measure.ts'
import { scriptStreams, streamMarker } from './stream-scenario.ts'
import { startBenchEmulator, startStrata } from './target-processes.ts'
import { strataTargets } from './targets.ts'

const mode = process.argv[2] ?? 'converse'
const route = mode.startsWith('mantle') ? 'strata-mantle' : 'strata-converse'
// Streams go through wrk whole: the emulator streams its default echo without delays.
const streaming = mode.endsWith('-stream')
const slow = mode.endsWith('-slow-stream')
const seconds = Number(process.argv[3] ?? 10)
const workDirectory = await mkdtemp(join(tmpdir(), 'strata-profile-'))
const keep = process.env['STRATA_PROFILE_KEEP'] === '1'
const profiles = join(workDirectory, 'profiles')
const emulator = await startBenchEmulator(workDirectory)
try {
  const gateway = await startStrata(workDirectory, emulator.url, [
    '--cpu-prof',
    `--cpu-prof-dir=${profiles}`,
  ])
  const found = strataTargets(gateway).find((t) => t.id === route)
  if (found === undefined) throw new Error(`no target ${route}`)
  const target = streaming ? { ...found, request: found.stream } : found
  let summary: string
  if (slow) {
    await scriptStreams(emulator.url)
    const concurrency = Number(process.env['STRATA_PROFILE_STREAMS'] ?? 100)
    const run = { concurrency, seconds, warmupSeconds: 1, marker: streamMarker }
    const sample = await measureStreams(target, run, workDirectory)
    summary = `${String(sample.streams)} streams at ${String(concurrency)} concurrent, ${sample.cpuPercent.toFixed(0)}% of a core (profiler on)`
  } else {
    await measureThroughput(target, { connections: 32, seconds: 2, workDirectory })
    const sample = await measureThroughput(target, { connections: 32, seconds, workDirectory })
    summary = `${sample.requestsPerSecond.toFixed(0)} req/s, ${sample.cpuMicrosPerRequest.toFixed(0)} µs CPU/req (profiler on)`
  }
  // The profile is written when the gateway exits after its drain.
  await gateway.stop()
  const [file] = await readdir(profiles)
  if (file === undefined) throw new Error('the gateway wrote no CPU profile')
  const json: unknown = JSON.parse(await readFile(join(profiles, file), 'utf8'))
  const ranked = rankSelfTime(json, 30)
  const inclusive = rankTotalTime(json, 40)
  process.stdout.write(
    `${mode}: ${summary}\n\n` +
      `self time by package:\n${ranked.packages.map((p) => `  ${p.percent.toFixed(1).padStart(5)}%  ${p.name}`).join('\n')}\n\n` +
      `self time by function:\n${ranked.functions.map((f) => `  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`).join('\n')}\n\n` +
      `total time (with callees) of gateway functions:\n${inclusive.map((f) => `  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`).join('\n')}\n`,
  )
} finally {
  await emulator.stop()
  if (keep) process.stdout.write(`profile and logs kept in ${workDirectory}\n`)
  else await rm(workDirectory, { recursive: true, force: true })
}
