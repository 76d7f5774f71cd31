// Starts every target the run asks for and checks each one answers a real chat completion before
// any load is sent. A peer that cannot start is reported, not fatal: one broken install must not
// cost a fifteen-minute run its other figures. The floors and Strata are required.
import type { RunningProcess } from '../support/processes.ts'
import {
  startBareProxy,
  startBenchEmulator,
  startLitellm,
  startPortkey,
  startStrata,
} from './target-processes.ts'
import {
  bareProxy,
  emulatorConverse,
  emulatorMantle,
  litellm,
  portkey,
  strataTargets,
  type Target,
  strataDefaultHeapTarget,
  strataBaselineTargets,
  type TargetId,
} from './targets.ts'

export interface StartedTargets {
  emulator: RunningProcess
  targets: Target[]
  /** Targets that were asked for but could not run, with the reason. */
  missing: { id: TargetId; reason: string }[]
  stop(): Promise<void>
}

async function answers(target: Target): Promise<void> {
  const response = await fetch(target.request.url, {
    method: 'POST',
    headers: target.request.headers,
    body: target.request.body,
    signal: AbortSignal.timeout(30_000),
  })
  const text = await response.text()
  const shaped = target.id === 'emulator-converse' ? '"output"' : '"choices"'
  if (response.status !== 200 || !text.includes(shaped))
    throw new Error(`${target.id} answered ${String(response.status)}: ${text.slice(0, 400)}`)
}

export async function startTargets(options: {
  workDirectory: string
  wanted: (id: TargetId) => boolean
  litellmVenv: string | undefined
  log: (line: string) => void
  strataNodeOptions?: string[]
  /** A checkout whose gateway runs too, as the baseline targets (before/after in one run). */
  baselineRoot?: string
}): Promise<StartedTargets> {
  const { workDirectory, wanted, log } = options
  const processes: RunningProcess[] = []
  const keep = (running: RunningProcess) => {
    processes.push(running)
    return running
  }
  const emulator = keep(await startBenchEmulator(workDirectory))
  const targets: Target[] = [emulatorConverse(emulator), emulatorMantle(emulator)]
  const missing: StartedTargets['missing'] = []
  const stop = async () => {
    await Promise.allSettled(processes.map((running) => running.stop()))
  }
  try {
    if (wanted('bare-proxy'))
      targets.push(bareProxy(keep(await startBareProxy(workDirectory, emulator.url))))
    if (wanted('strata-converse') || wanted('strata-mantle')) {
      const gateway = keep(
        await startStrata(workDirectory, emulator.url, options.strataNodeOptions ?? []),
      )
      targets.push(...strataTargets(gateway).filter((target) => wanted(target.id)))
    }
    if (options.baselineRoot !== undefined) {
      const baseline = keep(
        await startStrata(
          workDirectory,
          emulator.url,
          options.strataNodeOptions ?? [],
          'gateway-baseline',
          [],
          options.baselineRoot,
        ),
      )
      targets.push(...strataBaselineTargets(baseline).filter((target) => wanted(target.id)))
    }
    // Only worth a second gateway when the first one runs with heap flags.
    if (wanted('strata-converse-v8-heap') && (options.strataNodeOptions ?? []).length > 0)
      targets.push(
        strataDefaultHeapTarget(
          keep(await startStrata(workDirectory, emulator.url, [], 'gateway-v8-heap')),
        ),
      )
    const peers: [TargetId, () => Promise<Target>][] = [
      ['portkey', async () => portkey(keep(await startPortkey(workDirectory)), emulator.url)],
      [
        'litellm',
        async () =>
          litellm(keep(await startLitellm(workDirectory, emulator.url, options.litellmVenv))),
      ],
    ]
    for (const [id, start] of peers) {
      if (!wanted(id)) continue
      log(`starting ${id}`)
      try {
        targets.push(await start())
      } catch (error) {
        missing.push({ id, reason: error instanceof Error ? error.message : String(error) })
      }
    }
    for (const target of [...targets]) {
      try {
        await answers(target)
      } catch (error) {
        if (target.role !== 'peer') throw error
        targets.splice(targets.indexOf(target), 1)
        missing.push({
          id: target.id,
          reason: error instanceof Error ? error.message : String(error),
        })
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
  for (const gap of missing)
    log(`${gap.id} will not be measured: ${gap.reason.split('\n')[0] ?? ''}`)
  return { emulator, targets, missing, stop }
}
