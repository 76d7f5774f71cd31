// What the demo does as an application team would: the official openai client, configured only
// with the base URL and key from the Secret the operator wrote for the project.
import OpenAI from 'openai'

type Print = (text: string) => void

export async function listModels(client: OpenAI, print: Print): Promise<void> {
  for (const model of (await client.models.list()).data) print(`  ${model.id}\n`)
}

/** One chat completion; prints the answer, its usage and the gateway's own share of the time. */
export async function chat(client: OpenAI, model: string, prompt: string, print: Print) {
  const { data: reply, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: prompt }] })
    .withResponse()
  print(`  ${reply.choices[0]?.message.content ?? ''}\n  usage: ${JSON.stringify(reply.usage)}\n`)
  const overhead = response.headers.get('x-strata-overhead-ms')
  print(`  x-strata-overhead-ms: ${overhead ?? '(absent)'} (time spent in the gateway itself)\n`)
}

export async function streamChat(client: OpenAI, model: string, prompt: string, print: Print) {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    stream_options: { include_usage: true },
  })
  print('  ')
  for await (const chunk of stream) {
    print(chunk.choices[0]?.delta.content ?? '')
    if (chunk.usage) print(`\n  usage: ${JSON.stringify(chunk.usage)}\n`)
  }
}

export async function embed(client: OpenAI, model: string, print: Print) {
  const result = await client.embeddings.create({ model, input: ['refund policy', 'shipping'] })
  const dimensions = result.data[0]?.embedding.length ?? 0
  print(`  ${String(result.data.length)} vectors of ${String(dimensions)} dimensions\n`)
}

/** A key of one project asking for another project's alias: refused as an unknown model. */
export async function crossProject(client: OpenAI, model: string, print: Print) {
  try {
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
    throw new Error(`a foreign project's alias ${model} was served`)
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error
    print(`  ${String(error.status)} ${error.code ?? ''}: ${error.message}\n`)
  }
}
