// Sustained concurrent load with the official `openai` client: N workers, each holding one slow
// chat stream open at a time and opening the next when it ends, until stopped. Used where a test
// needs a steady number of requests in flight (the autoscaling signal), not a burst.
import OpenAI, { APIUserAbortError } from 'openai'

export interface StreamLoad {
  /** Streams opened so far, and chunks read across all of them. */
  readonly stats: { opened: number; chunks: number; failures: string[] }
  /** Aborts every open stream and waits until each worker has returned. */
  stop(): Promise<void>
}

export interface StreamLoadOptions {
  /** One client per worker, in turn: two clients on two gateways split the load evenly. */
  clients: OpenAI[]
  workers: number
  model: string
}

export function startStreamLoad(options: StreamLoadOptions): StreamLoad {
  const controller = new AbortController()
  const stats = { opened: 0, chunks: 0, failures: [] as string[] }
  // A function, because the compiler narrows a plain property read to `false` inside the loop.
  const stopped = (): boolean => controller.signal.aborted

  const worker = async (client: OpenAI): Promise<void> => {
    while (!stopped()) {
      try {
        stats.opened += 1
        const stream = await client.chat.completions.create(
          {
            model: options.model,
            messages: [{ role: 'user', content: 'Stream slowly' }],
            stream: true,
          },
          { signal: controller.signal },
        )
        for await (const chunk of stream) if (chunk.choices.length > 0) stats.chunks += 1
      } catch (error) {
        if (error instanceof APIUserAbortError || stopped()) return
        // Recorded, not thrown: the test asserts there were none, with the messages in view.
        stats.failures.push(error instanceof Error ? error.message : String(error))
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  const running = Array.from({ length: options.workers }, (_, index) => {
    const client = options.clients[index % options.clients.length]
    if (client === undefined) throw new Error('startStreamLoad: no clients')
    return worker(client)
  })
  return {
    stats,
    async stop() {
      controller.abort()
      await Promise.all(running)
    },
  }
}
