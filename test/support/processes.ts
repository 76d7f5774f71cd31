// The emulator and the gateway as real processes for journey tests: started on free ports, with
// logs in a temporary directory, and killed with their parent even if the test runner dies.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROUTING_TABLE_CONFIG_MAP } from '@strata/crds'
import {
  freePort,
  logTail,
  startProcess,
  stopPid,
  waitFor,
  type Started,
} from '../control-plane/processes.ts'
import { kubeApiFlags, type GatewayAccess } from './gateway-access.ts'

const repoRoot = new URL('../../', import.meta.url).pathname

export interface RunningProcess {
  url: string
  process: Started
  /** The process's combined stdout and stderr so far. */
  log(): Promise<string>
  stop(): Promise<void>
}

export async function makeWorkDirectory(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `strata-${prefix}-`))
}

async function readLog(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '')
}

/**
 * Polls a process's log until `check` finds what it needs there, or fails saying what was
 * missing. The gateway writes its log lines in batches just after the event-loop turn that logged
 * them, so the line of a request can land a moment after the client has its answer.
 */
export async function fromLog<T>(
  running: Pick<RunningProcess, 'log'>,
  what: string,
  check: (log: string) => T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const log = await running.log()
    const found = check(log)
    if (found !== undefined) return found
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${String(timeoutMs)} ms waiting for ${what} in the log, which ends:\n` +
          log.split('\n').slice(-10).join('\n'),
      )
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

// Both programs print one line with their URL when they listen; waiting for it also covers the
// time Node takes to load TypeScript sources.
export async function startAnnouncing(
  name: string,
  args: string[],
  workDirectory: string,
  announcement: RegExp,
  env: NodeJS.ProcessEnv,
): Promise<RunningProcess> {
  const logPath = join(workDirectory, `${name}.log`)
  const started = startProcess(name, process.execPath, args, logPath, { env })
  let url: string | undefined
  await waitFor(
    started,
    async () => {
      url = announcement.exec(await readLog(logPath))?.[1]
      return url !== undefined
    },
    30_000,
  )
  if (url === undefined) throw new Error(`${name} announced no URL:\n${logTail(logPath)}`)
  return {
    url,
    process: started,
    log: () => readLog(logPath),
    stop: () => stopPid(started.pid),
  }
}

export function startEmulatorProcess(workDirectory: string): Promise<RunningProcess> {
  return startAnnouncing(
    'emulator',
    [join(repoRoot, 'test/emulator/cli.ts'), '--port', '0'],
    workDirectory,
    /^EMULATOR_URL=(\S+)$/m,
    process.env,
  )
}

export interface GatewayProcessOptions {
  workDirectory: string
  /** The routing table document, written to a file in the work directory. */
  table: unknown
  emulatorUrl: string
  extraArgs?: string[]
  /** Another checkout's gateway, e.g. an older commit's for a before-and-after figure. */
  gatewayRoot?: string
  /** More environment over the AWS settings, e.g. AWS_SESSION_TOKEN. */
  env?: NodeJS.ProcessEnv
}

/** AWS settings that point the SDK at the emulator with credentials it accepts. */
export function emulatorAwsEnv(emulatorUrl: string): NodeJS.ProcessEnv {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOR0000TEST',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulatorUrl,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulatorUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}

export async function startGatewayProcess(
  options: GatewayProcessOptions,
): Promise<RunningProcess & { routesFile: string }> {
  const routesFile = join(options.workDirectory, 'routes.json')
  await writeFile(routesFile, JSON.stringify(options.table, null, 2))
  const port = await freePort()
  const args = [
    join(options.gatewayRoot ?? repoRoot, 'gateway/bin/strata-gateway.js'),
    '--routes',
    routesFile,
    '--port',
    String(port),
  ]
  // Only what the gateway needs: a developer's real AWS profile must never leak into a test.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: options.workDirectory,
    ...emulatorAwsEnv(options.emulatorUrl),
    ...options.env,
  }
  const running = await startAnnouncing(
    'gateway',
    [...args, ...(options.extraArgs ?? [])],
    options.workDirectory,
    /^strata-gateway listening on (\S+)$/m,
    env,
  )
  return { ...running, routesFile }
}

export interface OperatorProcessOptions {
  workDirectory: string
  kubeconfig: string
  namespace: string
  emulatorUrl: string
  extraArgs?: string[]
  /** Node flags (NODE_OPTIONS), e.g. the heap cap the chart sets. */
  nodeOptions?: string[]
  /** More environment, e.g. what the chart's Deployment sets besides NODE_OPTIONS. */
  env?: NodeJS.ProcessEnv
}

/** strata-operator out of cluster, with every AWS endpoint pointed at the emulator. */
export async function startOperatorProcess(
  options: OperatorProcessOptions,
): Promise<RunningProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: options.workDirectory,
    ...emulatorAwsEnv(options.emulatorUrl),
    AWS_ENDPOINT_URL_BEDROCK: options.emulatorUrl,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: options.emulatorUrl,
    ...(options.nodeOptions?.length ? { NODE_OPTIONS: options.nodeOptions.join(' ') } : {}),
    ...options.env,
  }
  const running = await startAnnouncing(
    `operator-${String(Date.now())}`,
    [
      join(repoRoot, 'operator/bin/strata-operator.js'),
      '--kubeconfig',
      options.kubeconfig,
      '--namespace',
      options.namespace,
      '--metrics-port',
      '0',
      ...(options.extraArgs ?? []),
    ],
    options.workDirectory,
    /^strata-operator serving metrics on port (\d+)$/m,
    env,
  )
  return { ...running, url: `http://127.0.0.1:${running.url}` }
}

export interface InClusterGatewayOptions {
  workDirectory: string
  access: GatewayAccess
  namespace: string
  emulatorUrl: string
  port?: string
  /** More strata-gateway flags, e.g. `--price-table FILE`. */
  extraArgs?: string[]
  /** More environment, e.g. STRATA_SERVICE_ACCOUNT_AUTH=true as the chart sets it. */
  env?: NodeJS.ProcessEnv
}

/** strata-gateway in in-cluster mode, watching the operator's routing-table ConfigMap. */
export function startInClusterGateway(options: InClusterGatewayOptions): Promise<RunningProcess> {
  const { access } = options
  return startAnnouncing(
    `gateway-${options.namespace}`,
    [
      join(repoRoot, 'gateway/bin/strata-gateway.js'),
      '--routes-configmap',
      `${options.namespace}/${ROUTING_TABLE_CONFIG_MAP}`,
      ...kubeApiFlags(access),
      '--port',
      options.port ?? '0',
      ...(options.extraArgs ?? []),
    ],
    options.workDirectory,
    /^strata-gateway listening on (\S+)$/m,
    {
      PATH: process.env['PATH'],
      HOME: options.workDirectory,
      ...emulatorAwsEnv(options.emulatorUrl),
      ...options.env,
    },
  )
}
