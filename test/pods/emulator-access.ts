// The emulator pod's control API, reached from this host through its Service's cluster IP
// (kube-proxy's rules cover traffic from the node itself, as on any node).
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { emulatorNamespace, emulatorService } from './objects/strata.ts'
import type { Cluster } from './kubectl.ts'
import { serviceIp } from './cluster-reads.ts'

export function emulatorFromHost(cluster: Cluster): EmulatorClient {
  return createEmulatorClient(`http://${serviceIp(cluster, emulatorService, emulatorNamespace)}`)
}

/**
 * The next `times` ConverseStream calls last `seconds`: a long reply in small chunks, one every
 * 100 ms. Matched on the operation alone: through an application inference profile the emulator
 * sees the profile's ARN, not the model id.
 */
export async function slowStreams(emulator: EmulatorClient, seconds: number, times: number) {
  const chunks = Math.max(1, Math.round((seconds * 1000) / 100))
  await emulator.script({
    match: { operation: 'converse-stream' },
    times,
    scenario: { reply: { text: 'word '.repeat(chunks) }, chunkSize: 5, tokenDelayMs: 100 },
  })
}
