// Child processes for local servers: logs to files, optional parent-death signal so that a
// crashed test runner leaves nothing behind, and a bounded stop.
import { spawn } from 'node:child_process'
import { existsSync, openSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'

export interface Started {
  name: string
  pid: number
  logPath: string
  exited: Promise<number | null>
}

export interface SpawnOptions {
  /** Keep running after this Node process exits (the `cluster-up` command). */
  detached?: boolean
  env?: NodeJS.ProcessEnv
}

// setpriv --pdeathsig makes the kernel kill the child when we die, even by SIGKILL.
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path))

export function startProcess(
  name: string,
  command: string,
  args: string[],
  logPath: string,
  options: SpawnOptions = {},
): Started {
  const log = openSync(logPath, 'a')
  const [file, argv] =
    !options.detached && setpriv
      ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]]
      : [command, args]
  const child = spawn(file, argv, {
    stdio: ['ignore', log, log],
    detached: options.detached ?? false,
    env: options.env ?? process.env,
  })
  if (child.pid === undefined) throw new Error(`${name}: failed to start ${command}`)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)))
    child.once('error', () => resolve(127))
  })
  if (options.detached) child.unref()
  return { name, pid: child.pid, logPath, exited }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** SIGTERM, then SIGKILL after the grace period. Works for processes we did not spawn (cluster-down). */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (isAlive(pid) && Date.now() < deadline) await sleep(50)
  if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(20)
}

export function logTail(logPath: string, lines = 30): string {
  try {
    return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Polls until `probe` gives true, failing early if the process dies; a throw counts as false. A
 * process that met the probe and then exited (a program that announces itself, then stops on
 * purpose) started: the probe is asked once more before its death counts as a failed start.
 */
export async function waitFor(
  what: Started,
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  // An object, because the compiler cannot see the callback assigning a plain local.
  const state = { dead: false }
  void what.exited.then(() => {
    state.dead = true
  })
  const met = () =>
    Promise.resolve()
      .then(probe)
      .catch(() => false)
  while (Date.now() < deadline) {
    if (state.dead) {
      if (await met()) return
      throw new Error(
        `${what.name} exited during start-up; log ${what.logPath}:\n${logTail(what.logPath)}`,
      )
    }
    if (await met()) return
    await sleep(100)
  }
  throw new Error(
    `${what.name} not ready after ${timeoutMs} ms; log ${what.logPath}:\n${logTail(what.logPath)}`,
  )
}
