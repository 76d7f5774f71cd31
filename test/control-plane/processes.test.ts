import { describe, expect, it } from 'vitest'
import { waitFor, type Started } from './processes.ts'

const exitedAlready = (): Started => ({
  name: 'program',
  pid: 0,
  logPath: '/nonexistent/program.log',
  exited: Promise.resolve(1),
})

describe('waitFor', () => {
  it('counts a process that met the probe before it exited as started', async () => {
    // The operator announces itself, then stops on purpose when its namespace is missing: the
    // exit can be seen before the first poll reads the announcement.
    // The first poll misses it; by the next the process is gone and the announcement is there.
    let polls = 0
    const announced = () => ++polls > 1
    await expect(waitFor(exitedAlready(), announced, 1_000)).resolves.toBeUndefined()
  })

  it('fails a process that exited without meeting the probe, naming it', async () => {
    await expect(waitFor(exitedAlready(), () => false, 1_000)).rejects.toThrow(
      'program exited during start-up',
    )
  })
})
