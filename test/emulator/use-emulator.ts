// One emulator per test file: started before the file's tests, reset before each test (scenarios,
// records, projects and profiles), closed after. Every emulator test file needs exactly this.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator.ts'

export function useEmulator(options: EmulatorOptions = {}): Emulator {
  let current: Emulator | undefined
  beforeAll(async () => {
    current = await startEmulator(options)
  })
  afterAll(async () => {
    await current?.close()
  })
  beforeEach(() => {
    current?.reset()
  })
  const started = (): Emulator => {
    if (current === undefined) throw new Error('the emulator is used before beforeAll started it')
    return current
  }
  // The file holds this object from the start; each access reaches the emulator started later.
  return new Proxy({} as Emulator, {
    get: (_target, property): unknown => Reflect.get(started(), property),
  })
}
