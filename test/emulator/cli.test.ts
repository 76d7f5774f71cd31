import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createEmulatorClient } from './emulator-client.ts'

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))

describe('cli', () => {
  it('prints exactly one EMULATOR_URL line and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = once(child, 'exit') as Promise<[number | null]>
    try {
      const lines: string[] = []
      const stdout = createInterface({ input: child.stdout })
      stdout.on('line', (line) => lines.push(line))
      const [first] = (await once(stdout, 'line')) as [string]
      const url = /^EMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1]
      expect(url).toBeDefined()
      const control = createEmulatorClient(url ?? '')
      await control.reset()
      expect(await control.requests()).toEqual([])

      child.kill('SIGTERM')
      const [code] = await exited
      expect(code).toBe(0)
      expect(lines).toEqual([first])
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  })
})
