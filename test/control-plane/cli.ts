// `make cluster-up` / `make cluster-down`: a cluster that outlives the command, for poking at by
// hand. Where a node can run (root, containerd), it has one with Strata's images imported, so
// `helm install` of charts/strata runs real pods. State lives in one directory so `down` can find
// and stop it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureImages, nodeImages } from '../images/images.ts'
import { startControlPlane } from './control-plane.ts'
import { nodeUnsupportedReason, releaseNodeIn } from './node-host.ts'
import { isAlive, stopPid } from './processes.ts'

const stateDir = process.env['STRATA_CLUSTER_DIR'] ?? join(tmpdir(), 'strata-cluster')
const statePath = join(stateDir, 'state.json')

interface State {
  pids: number[]
  kubeconfig: string
}

function readState(): State | undefined {
  if (!existsSync(statePath)) return undefined
  return JSON.parse(readFileSync(statePath, 'utf8')) as State
}

async function up(): Promise<void> {
  const existing = readState()
  if (existing && existing.pids.every(isAlive)) {
    console.log(existing.kubeconfig)
    return
  }
  if (existing) await down()
  mkdirSync(stateDir, { recursive: true })
  const unsupported = nodeUnsupportedReason()
  if (unsupported) process.stderr.write(`[control-plane] no node: ${unsupported}\n`)
  const images = unsupported ? undefined : ensureImages()
  const plane = await startControlPlane({
    dir: stateDir,
    detached: true,
    ...(images
      ? {
          node: nodeImages(images),
        }
      : {}),
  })
  if (images)
    process.stderr.write(
      `[control-plane] images (imagePullPolicy: Never): ${Object.values(images)
        .map((image) => image.ref)
        .join(' ')}\n`,
    )
  const state: State = { pids: plane.pids, kubeconfig: plane.kubeconfig }
  writeFileSync(statePath, JSON.stringify(state))
  process.stderr.write(`[control-plane] running; stop it with 'make cluster-down'\n`)
  console.log(plane.kubeconfig)
}

async function down(): Promise<void> {
  const state = readState()
  if (state) for (const pid of [...state.pids].reverse()) await stopPid(pid)
  releaseNodeIn(join(stateDir, 'node'))
  rmSync(stateDir, { recursive: true, force: true })
  process.stderr.write('[control-plane] stopped\n')
}

const command = process.argv[2]
if (command === 'up') await up()
else if (command === 'down') await down()
else {
  process.stderr.write('usage: cli.ts up|down\n')
  process.exitCode = 2
}
