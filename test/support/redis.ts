// A real Debian redis-server for tests: loopback only, a free port, no persistence (`--save ""
// --appendonly no`), its files in a temporary directory. kill() and restart() are for chaos tests:
// the restart keeps the port, so clients configured with the URL reconnect by themselves.
import { createConnection } from 'node:net'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  freePort,
  isAlive,
  startProcess,
  stopPid,
  waitFor,
  type Started,
} from '../control-plane/processes.ts'
import { makeWorkDirectory } from './processes.ts'

const REDIS_SERVER = '/usr/bin/redis-server'

export interface RunningRedis {
  url: string
  port: number
  /** SIGKILL, as a crash would: no clean shutdown, clients see the connection drop. */
  kill(): Promise<void>
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** One PING over a raw socket: true when the server answers +PONG. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const done = (result: boolean): void => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => {
      done(false)
    })
    socket.once('error', () => {
      done(false)
    })
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      done(data.toString().startsWith('+PONG'))
    })
  })
}

export async function startRedis(name = 'redis'): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(
      `${REDIS_SERVER} not found: install Debian's redis-server (test/setup.sh does it)`,
    )
  const directory = await makeWorkDirectory(name)
  const port = await freePort()
  let started: Started | undefined
  let generation = 0

  async function launch(): Promise<void> {
    generation += 1
    const process = startProcess(
      `${name}-${String(generation)}`,
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
        '--protected-mode',
        'no',
      ],
      join(directory, `redis-${String(generation)}.log`),
    )
    started = process
    await waitFor(process, () => ping(port), 10_000)
  }

  async function kill(): Promise<void> {
    if (started === undefined) return
    const { pid, exited } = started
    started = undefined
    if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    await exited
  }

  await launch()
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    port,
    kill,
    restart: launch,
    async stop() {
      if (started !== undefined) await stopPid(started.pid)
      started = undefined
      await rm(directory, { recursive: true, force: true })
    },
  }
}
