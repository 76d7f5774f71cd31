// `node test/bench/ab-gateway.ts BASELINE [converse|mantle|converse-stream|mantle-stream] [rounds]`: CPU per request of two
// strata-gateway builds side by side, alternating short wrk runs, for judging an optimisation on
// a noisy machine. BASELINE holds an older `gateway/` inside the repository, so its imports
// resolve against the same node_modules, e.g.
//   mkdir -p .ab-baseline && git archive <commit> gateway | tar -x -C .ab-baseline
// STRATA_AB_BASELINE_FLAGS and STRATA_AB_CURRENT_FLAGS give each side Node flags (heap sizing).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { emulatorAwsEnv, startAnnouncing } from '../support/processes.ts'
import { measureThroughput } from './measure.ts'
import { median } from './stats.ts'
import { startBenchEmulator, startStrata } from './target-processes.ts'
import { strataTargets, type Target } from './targets.ts'

const [baseline, routeName = 'converse', roundsText = '6'] = process.argv.slice(2)
if (baseline === undefined)
  throw new Error('usage: ab-gateway.ts BASELINE [converse|mantle] [rounds]')
const route = routeName.startsWith('mantle') ? 'strata-mantle' : 'strata-converse'
const streaming = routeName.endsWith('-stream')
const workDirectory = await mkdtemp(join(tmpdir(), 'strata-ab-'))
const emulator = await startBenchEmulator(workDirectory)
try {
  // Node flags per side, e.g. to compare heap sizing on the same build (BASELINE = `.`).
  const flags = (name: string) => (process.env[name] ?? '').split(' ').filter(Boolean)
  // startStrata writes routes.json into the work directory; the baseline reads the same file.
  const current = await startStrata(workDirectory, emulator.url, flags('STRATA_AB_CURRENT_FLAGS'))
  const old = await startAnnouncing(
    'gateway-baseline',
    [
      ...flags('STRATA_AB_BASELINE_FLAGS'),
      join(resolve(baseline), 'gateway/bin/strata-gateway.js'),
      '--routes',
      join(workDirectory, 'routes.json'),
      '--port',
      '0',
    ],
    workDirectory,
    /^strata-gateway listening on (\S+)$/m,
    { PATH: process.env['PATH'], HOME: workDirectory, ...emulatorAwsEnv(emulator.url) },
  )
  const pick = (running: typeof current): Target => {
    const target = strataTargets(running).find((t) => t.id === route)
    if (target === undefined) throw new Error(`no target ${route}`)
    return streaming ? { ...target, request: target.stream } : target
  }
  const sides = [
    { name: 'baseline', target: pick(old), cpu: [] as number[] },
    { name: 'current', target: pick(current), cpu: [] as number[] },
  ]
  for (const side of sides)
    await measureThroughput(side.target, { connections: 32, seconds: 2, workDirectory })
  for (let round = 0; round < Number(roundsText); round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const sample = await measureThroughput(side.target, {
        connections: 32,
        seconds: 3,
        workDirectory,
      })
      side.cpu.push(sample.cpuMicrosPerRequest)
    }
  }
  for (const side of sides)
    process.stdout.write(
      `${side.name.padEnd(8)} ${routeName}: CPU µs/req median ${median(side.cpu).toFixed(0)} (rounds ${side.cpu.map((v) => v.toFixed(0)).join(' ')})\n`,
    )
  await Promise.all([current.stop(), old.stop()])
} finally {
  await emulator.stop()
  await rm(workDirectory, { recursive: true, force: true })
}
