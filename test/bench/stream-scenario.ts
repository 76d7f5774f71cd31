// The streams of the benchmark, scripted into the emulator: long enough to look like a model, a
// first token after 100 ms, then one chunk every 100 ms, 20 chunks in all (about 2 s per stream).
export const streamMarker = 'tok'

const streamScenario = {
  reply: { text: Array.from({ length: 20 }, () => streamMarker).join(' ') },
  chunkSize: 8,
  firstTokenDelayMs: 100,
  tokenDelayMs: 100,
}

/**
 * The streaming benchmark's streams (stream-bench.ts): 20 content events 100 ms apart, about 2 s
 * per stream. "tok " is four characters, so each piece of the reply is one event, sent in its own
 * write after its delay: one event per network read, as Bedrock sends tokens.
 */
export const pacedScenario = { ...streamScenario, chunkSize: 4 }

/** The paced streams with another number of content events (stream-split.ts). */
export function pacedStreams(chunks: number): typeof pacedScenario {
  return {
    ...pacedScenario,
    reply: { text: Array.from({ length: chunks }, () => streamMarker).join(' ') },
  }
}

/**
 * Every ConverseStream and Mantle chat stream of the emulator answers this way from now on. The
 * emulator is reset first: it answers with the first scripted scenario that matches, so a second
 * script would otherwise never be reached.
 */
export async function scriptStreams(
  emulatorUrl: string,
  scenario: typeof streamScenario = streamScenario,
): Promise<void> {
  const reset = await fetch(`${emulatorUrl}/__emulator/reset`, { method: 'POST' })
  if (!reset.ok) throw new Error(`resetting the emulator: ${await reset.text()}`)
  for (const operation of ['converse-stream', 'mantle-chat']) {
    const response = await fetch(`${emulatorUrl}/__emulator/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { operation },
        times: 1_000_000_000,
        scenario,
      }),
    })
    if (response.status !== 201) throw new Error(`scripting streams: ${await response.text()}`)
  }
}
