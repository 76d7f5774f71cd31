// The streams of the benchmark, scripted into the emulator: long enough to look like a model, a
// first token after 100 ms, then one chunk every 100 ms, 10 chunks in all (about 1 s per stream).
export const streamMarker = 'tok'

const streamScenario = {
  reply: { text: Array.from({ length: 20 }, () => streamMarker).join(' ') },
  chunkSize: 8,
  firstTokenDelayMs: 100,
  tokenDelayMs: 100,
}

/** Every ConverseStream and Mantle chat stream of the emulator answers this way from now on. */
export async function scriptStreams(emulatorUrl: string): Promise<void> {
  for (const operation of ['converse-stream', 'mantle-chat']) {
    const response = await fetch(`${emulatorUrl}/__emulator/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { operation },
        times: 1_000_000_000,
        scenario: streamScenario,
      }),
    })
    if (response.status !== 201) throw new Error(`scripting streams: ${await response.text()}`)
  }
}
