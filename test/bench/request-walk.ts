// `node test/bench/request-walk.ts [GATEWAY_ROOT] [converse|converse-stream|mantle]`: the product
// files one request runs code in, read from V8's precise coverage of a real strata-gateway
// process (GATEWAY_ROOT/gateway, default this repository; e.g. a `.ab-baseline` of an older build,
// as test/bench/ab-gateway.ts takes) serving the bench table against the emulator. Warm-up requests
// run first and their counts are discarded, so start-up and first-use work do not count (a
// background timer that fires during the request, such as the table file watcher's, does). Prints
// each file with the functions it ran and how often, then the totals by folder: how far one
// request travels through the code (docs/code-map.md).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { emulatorAwsEnv, startAnnouncing } from '../support/processes.ts'
import { BENCH_KEY, benchTable, startBenchEmulator } from './target-processes.ts'
import { chatBody } from './targets.ts'

const [rootArgument = '.', scenario = 'converse'] = process.argv.slice(2)
const root = resolve(rootArgument)
const repoRoot = resolve(import.meta.dirname, '../..')

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[]
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspect(url: string) {
  const socket = new WebSocket(url)
  await new Promise((done, fail) => {
    socket.addEventListener('open', done, { once: true })
    socket.addEventListener('error', fail, { once: true })
  })
  let nextId = 1
  const waiting = new Map<number, (value: unknown) => void>()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) waiting.get(message.id)?.(message.result)
  })
  return {
    send(method: string, params: object = {}): Promise<unknown> {
      const id = nextId++
      socket.send(JSON.stringify({ id, method, params }))
      return new Promise((done) => waiting.set(id, done))
    },
    close: () => {
      socket.close()
    },
  }
}

const workDirectory = await mkdtemp(join(tmpdir(), 'strata-walk-'))
const emulator = await startBenchEmulator(workDirectory)
try {
  const routesFile = join(workDirectory, 'routes.json')
  await writeFile(routesFile, JSON.stringify(benchTable()))
  const gateway = await startAnnouncing(
    'gateway',
    [
      '--inspect=127.0.0.1:0',
      join(root, 'gateway/bin/strata-gateway.js'),
      '--routes',
      routesFile,
      '--port',
      '0',
      '--no-access-log',
    ],
    workDirectory,
    /^strata-gateway listening on (\S+)$/m,
    { PATH: process.env['PATH'], HOME: workDirectory, ...emulatorAwsEnv(emulator.url) },
  )
  try {
    const debuggerUrl = /Debugger listening on (ws:\S+)/.exec(await gateway.log())?.[1]
    if (debuggerUrl === undefined) throw new Error('the gateway announced no inspector URL')
    const session = await inspect(debuggerUrl)
    await session.send('Profiler.enable')
    await session.send('Profiler.startPreciseCoverage', { callCount: true, detailed: false })
    const model = scenario.startsWith('mantle') ? 'gpt-oss' : 'claude'
    const request = async () => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
        body: chatBody(model, scenario.endsWith('-stream')),
      })
      if (response.status !== 200) throw new Error(`status ${response.status}`)
      await response.text()
    }
    for (let warm = 0; warm < 5; warm++) await request()
    await session.send('Profiler.takePreciseCoverage')
    await request()
    const { result } = (await session.send('Profiler.takePreciseCoverage')) as Coverage
    session.close()
    const files = result
      .filter((script) => script.url.startsWith('file://'))
      .map((script) => ({
        file: relative(root, new URL(script.url).pathname),
        ran: script.functions
          .map((fn) => ({
            name: fn.functionName || '(anonymous)',
            count: fn.ranges[0]?.count ?? 0,
          }))
          .filter(({ count }) => count > 0),
      }))
      .filter(({ file, ran }) => ran.length > 0 && /^(gateway|crds|aws-signing)\/src\//.test(file))
      .sort((a, b) => a.file.localeCompare(b.file))
    const folders = new Map<string, number>()
    for (const { file, ran } of files) {
      const calls = ran.map(({ name, count }) => (count > 1 ? `${name}×${count}` : name))
      process.stdout.write(`${file}: ${calls.join(' ')}\n`)
      // gateway/src/<folder>/ or a top-level file; the other packages count as one folder each.
      const [pkg = '', , inner = '', deeper] = file.split('/')
      const folder = pkg !== 'gateway' ? pkg : deeper === undefined ? inner : `${inner}/`
      folders.set(folder, (folders.get(folder) ?? 0) + 1)
    }
    const label = relative(repoRoot, root) || '.'
    process.stdout.write(
      `${label} ${scenario}: ${files.length} files in ${folders.size} folders or top-level files: ${[...folders].map(([folder, count]) => `${folder} ${count}`).join(', ')}\n`,
    )
  } finally {
    await gateway.stop()
  }
} finally {
  await emulator.stop()
  await rm(workDirectory, { recursive: true, force: true })
}
