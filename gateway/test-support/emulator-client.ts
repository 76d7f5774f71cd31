// One Bedrock emulator per test file and one client of it, as the backend tests against the
// emulator use them: started before the file's tests, reset before each, closed after the file.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { sigV4Signer } from '@strata/aws-signing'
import { startEmulator, type Emulator } from '../../test/emulator/index.ts'
import type { ConverseClientConfig } from '../src/upstream/converse-client.ts'

/** Static test credentials: the emulator checks that requests are signed, not by whom. */
export const testCredentials = () =>
  Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' })

export interface EmulatorClient<C> {
  /** Set before the file's first test. */
  emulator: Emulator
  client: C
}

export function useEmulatorClient<C extends { close(): Promise<void> }>(
  create: (config: ConverseClientConfig) => C,
): EmulatorClient<C> {
  const use = {} as EmulatorClient<C>
  beforeAll(async () => {
    use.emulator = await startEmulator()
    use.client = create({ endpoint: use.emulator.url, signer: sigV4Signer(testCredentials) })
  })
  afterAll(async () => {
    await use.client.close()
    await use.emulator.close()
  })
  beforeEach(() => {
    use.emulator.reset()
  })
  return use
}
