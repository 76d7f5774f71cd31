// `load`: steady traffic for a fixed time, for watching a rolling upgrade or a lost pod from the
// client's side. `concurrency` workers each send one request after another; the first
// round(concurrency × streamShare) of them send streams, the others plain completions, so the
// number of streams held open stays steady. How long a stream stays open is the upstream's
// pacing (the emulator's scripted token delays), not the client's.
import { setTimeout as sleep } from 'node:timers/promises'
import type OpenAI from 'openai'
import { errorMessage, readChatStream } from './chat-stream.ts'

export interface LoadOptions {
  seconds: number
  concurrency: number
  streamShare: number
  model: string
  /** Called every few seconds with the counts so far. */
  progress: (summary: LoadSummary, elapsedSeconds: number) => void
}

/**
 * `failed`: requests that got no answer (a plain completion that threw, or a stream refused
 * before it began); `streamsBroken`: streams that began and then threw or ended without a
 * finish_reason.
 */
export interface LoadSummary {
  sent: number
  failed: number
  streamsStarted: number
  streamsBroken: number
  errors: string[]
}

const keptErrors = 5
const progressEveryMs = 5_000
// After a failure a worker waits this long, so a gateway that refuses connections is not spun on.
const pauseAfterFailureMs = 100

export async function runLoad(client: OpenAI, options: LoadOptions): Promise<LoadSummary> {
  const summary: LoadSummary = {
    sent: 0,
    failed: 0,
    streamsStarted: 0,
    streamsBroken: 0,
    errors: [],
  }
  const note = (message: string) => {
    if (summary.errors.length < keptErrors) summary.errors.push(message)
  }
  const began = Date.now()
  const deadline = began + options.seconds * 1000
  const streamWorkers = Math.round(options.concurrency * options.streamShare)

  /** One plain completion; true when it succeeded. */
  async function plain(): Promise<boolean> {
    try {
      await client.chat.completions.create({
        model: options.model,
        messages: [{ role: 'user', content: 'Say hello.' }],
      })
      return true
    } catch (error) {
      summary.failed += 1
      note(`chat: ${errorMessage(error)}`)
      return false
    }
  }

  /** One stream read to its end; true when it finished. */
  async function stream(): Promise<boolean> {
    const outcome = await readChatStream(client, options.model, 'Tell me a story.')
    if (outcome.started) summary.streamsStarted += 1
    if (outcome.complete) return true
    if (outcome.started) summary.streamsBroken += 1
    else summary.failed += 1
    note(`stream: ${outcome.error}`)
    return false
  }

  async function worker(index: number): Promise<void> {
    const send = index < streamWorkers ? stream : plain
    while (Date.now() < deadline) {
      summary.sent += 1
      if (!(await send())) await sleep(pauseAfterFailureMs)
    }
  }

  const timer = setInterval(() => {
    options.progress(summary, (Date.now() - began) / 1000)
  }, progressEveryMs)
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)))
  } finally {
    clearInterval(timer)
  }
  return summary
}
