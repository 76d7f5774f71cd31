// Loaded into a measured process with `--import` (allocation-bench.ts). Each SIGUSR2 collects
// garbage and prints the heap in use, then starts or stops V8's sampling heap profiler; a stop
// also prints the bytes allocated since the start. The profiler's samples are scaled to estimate
// every allocation, the ones collected by minor and major collections included, so the total
// does not depend on when the collector happened to run. Lines go to stderr, which the bench
// reads from the process's log.
// Reference: Chrome DevTools Protocol, HeapProfiler.startSampling / stopSampling
// (https://chromedevtools.github.io/devtools-protocol/v8/HeapProfiler/).
import { Session } from 'node:inspector'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

interface ProfileNode {
  selfSize: number
  children: ProfileNode[]
}

setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void
const session = new Session()
session.connect()
let sampling = false

function post(method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => {
      if (error === null) resolve(result)
      else reject(error)
    })
  })
}

function total(node: ProfileNode): number {
  return node.children.reduce((sum, child) => sum + total(child), node.selfSize)
}

async function toggle(): Promise<void> {
  collect()
  collect()
  process.stderr.write(`HEAP-PROBE live ${String(process.memoryUsage().heapUsed)}\n`)
  if (!sampling) {
    sampling = true
    await post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    })
    return
  }
  sampling = false
  const { profile } = (await post('HeapProfiler.stopSampling')) as {
    profile: { head: ProfileNode }
  }
  process.stderr.write(`HEAP-PROBE allocated ${String(total(profile.head))}\n`)
}

await post('HeapProfiler.enable')
process.on('SIGUSR2', () => {
  toggle().catch((error: unknown) => {
    process.stderr.write(`HEAP-PROBE failed ${String(error)}\n`)
  })
})
