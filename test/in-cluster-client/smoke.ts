// `smoke`: one chat completion, one streamed chat completion and one embeddings call, as an
// application pod makes them. Each step is tried even when an earlier one failed, so one run
// shows everything that is wrong.
import type OpenAI from 'openai'
import { errorMessage, readChatStream } from './chat-stream.ts'

export interface SmokeOptions {
  model: string
  embeddingModel: string
}

type Step = { ok: true; detail: string } | { ok: false; error: string }

export interface SmokeResult {
  ok: boolean
  model: string
  embeddingModel: string
  chat: Step
  stream: Step
  embeddings: Step
}

async function step(run: () => Promise<string>): Promise<Step> {
  try {
    return { ok: true, detail: await run() }
  } catch (error) {
    return { ok: false, error: errorMessage(error) }
  }
}

export async function runSmoke(client: OpenAI, options: SmokeOptions): Promise<SmokeResult> {
  const chat = await step(async () => {
    const completion = await client.chat.completions.create({
      model: options.model,
      messages: [{ role: 'user', content: 'Say hello.' }],
    })
    const text = completion.choices[0]?.message.content
    if (typeof text !== 'string' || text === '') throw new Error('completion without text')
    return text
  })
  const stream = await step(async () => {
    const outcome = await readChatStream(client, options.model, 'Count to five.')
    if (!outcome.complete) throw new Error(outcome.error)
    return `${outcome.chunks} chunks: ${outcome.text}`
  })
  const embeddings = await step(async () => {
    const result = await client.embeddings.create({
      model: options.embeddingModel,
      input: 'hello',
    })
    const vector = result.data[0]?.embedding
    if (vector === undefined || vector.length === 0) throw new Error('no embedding returned')
    return `${vector.length} dimensions`
  })
  return {
    ok: chat.ok && stream.ok && embeddings.ok,
    model: options.model,
    embeddingModel: options.embeddingModel,
    chat,
    stream,
    embeddings,
  }
}
