// The in-cluster client: the official `openai` package, configured only by the environment an
// application pod gets from `envFrom: secretRef <project>-openai` (OPENAI_BASE_URL and
// OPENAI_API_KEY, written by the operator). Modes:
//   smoke [--model M] [--embedding-model E]
//       one chat completion, one stream, one embeddings call; one JSON line; exit 0 only if all
//       three succeeded
//   load --seconds S --concurrency C --stream-share F [--model M]
//       steady traffic; progress on stderr every 5 s, then one JSON line
//       {"sent","failed","streamsStarted","streamsBroken","errors","reconnected","reconnectCauses"};
//       exit 0 only if nothing failed and no stream broke
//   sleep
//       idle until SIGTERM, so a pod can stay up for `kubectl exec ... smoke|load` (the image's
//       default command)
// --model defaults to the first model GET /v1/models lists, --embedding-model to the first whose
// id contains "embed". The client never retries an answer (maxRetries 0), so every failure is
// counted. In load mode a request whose connection closed before any answer is sent once more,
// as the OpenAI SDKs do by default, and counted apart (reconnecting-fetch.ts).
import { parseArgs } from 'node:util'
import OpenAI from 'openai'
import { runLoad } from './load.ts'
import { reconnectingFetch, type Reconnects } from './reconnecting-fetch.ts'
import { runSmoke } from './smoke.ts'

const usage =
  'usage: main.ts smoke [--model M] [--embedding-model E]\n' +
  '       main.ts load --seconds S --concurrency C --stream-share F [--model M]\n' +
  '       main.ts sleep\n'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    'embedding-model': { type: 'string' },
    seconds: { type: 'string' },
    concurrency: { type: 'string' },
    'stream-share': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
    help: { type: 'boolean', default: false },
  },
})

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}`)
  process.exit(2)
}

function number(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text)
  if (text === undefined || !Number.isFinite(value) || value < min || value > max) {
    fail(`--${name} must be a number from ${min} to ${max}`)
  }
  return value
}

function client(fetch?: typeof globalThis.fetch): OpenAI {
  const baseURL = process.env['OPENAI_BASE_URL']
  const apiKey = process.env['OPENAI_API_KEY']
  if (baseURL === undefined || apiKey === undefined) {
    fail('OPENAI_BASE_URL and OPENAI_API_KEY must be set (envFrom the <project>-openai Secret)')
  }
  const timeout = number('timeout-ms', values['timeout-ms'], 1, 3_600_000)
  return new OpenAI({
    baseURL,
    apiKey,
    maxRetries: 0,
    timeout,
    ...(fetch === undefined ? {} : { fetch }),
  })
}

async function listedModel(openai: OpenAI, wanted: (id: string) => boolean): Promise<string> {
  for await (const model of openai.models.list()) if (wanted(model.id)) return model.id
  throw new Error('GET /v1/models lists no fitting model; pass --model / --embedding-model')
}

async function main(): Promise<number> {
  const [mode] = positionals
  if (values.help) {
    process.stdout.write(usage)
    return 0
  }
  if (mode === 'sleep') {
    await new Promise<void>((resolve) => process.once('SIGTERM', resolve))
    return 0
  }
  if (mode === 'smoke') {
    const openai = client()
    const model = values.model ?? (await listedModel(openai, () => true))
    const embeddingModel =
      values['embedding-model'] ?? (await listedModel(openai, (id) => id.includes('embed')))
    const result = await runSmoke(openai, { model, embeddingModel })
    process.stdout.write(`${JSON.stringify(result)}\n`)
    return result.ok ? 0 : 1
  }
  if (mode === 'load') {
    const seconds = number('seconds', values.seconds, 1, 86_400)
    const concurrency = number('concurrency', values.concurrency, 1, 10_000)
    const streamShare = number('stream-share', values['stream-share'], 0, 1)
    const reconnects: Reconnects = { count: 0, causes: [] }
    const openai = client(reconnectingFetch(reconnects))
    const model = values.model ?? (await listedModel(openai, () => true))
    const summary = await runLoad(openai, {
      seconds,
      concurrency: Math.round(concurrency),
      streamShare,
      model,
      progress: (counts, elapsed) => {
        const { sent, failed, streamsStarted, streamsBroken } = counts
        const line = JSON.stringify({ sent, failed, streamsStarted, streamsBroken })
        process.stderr.write(`[load] ${elapsed.toFixed(0)}s ${line}\n`)
      },
    })
    const reconnected = { reconnected: reconnects.count, reconnectCauses: reconnects.causes }
    process.stdout.write(`${JSON.stringify({ ...summary, ...reconnected })}\n`)
    return summary.failed === 0 && summary.streamsBroken === 0 ? 0 : 1
  }
  fail(mode === undefined ? 'no mode given' : `unknown mode ${mode}`)
}

process.exitCode = await main()
