// `node test/emulator/cli.ts [--port N] [--host H] [--region R] [--account-id A] [--strict-profiles]
// [--no-record]`:
// the emulator as its own process, for the demo and for
// tests that run the gateway out of process. Prints exactly one line on stdout when listening,
// `EMULATOR_URL=http://127.0.0.1:<port>`, so a parent can read the URL without parsing logs.
import { parseArgs } from 'node:util'
import { startEmulator } from './emulator.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    // 0.0.0.0 in a pod (docker/emulator.Dockerfile), so the Service in front of it reaches it.
    host: { type: 'string', default: '127.0.0.1' },
    region: { type: 'string' },
    'account-id': { type: 'string' },
    'strict-profiles': { type: 'boolean', default: false },
    // Benchmarks: keep no request log, so memory and per-request cost stay flat over a long run.
    'no-record': { type: 'boolean', default: false },
  },
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`usage: cli.ts [--port N]; bad port ${values.port}\n`)
  process.exit(2)
}

const emulator = await startEmulator({
  port,
  host: values.host,
  strictProfiles: values['strict-profiles'],
  recordRequests: !values['no-record'],
  ...(values.region === undefined ? {} : { region: values.region }),
  ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
})
process.stdout.write(`EMULATOR_URL=${emulator.url}\n`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await emulator.close()
  process.stderr.write('[emulator] stopped\n')
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void stop()
  })
}
