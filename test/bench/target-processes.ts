// The programs under test, each started as a real process on loopback: the emulator (the floor
// and everyone's upstream), the bare Node proxy, strata-gateway, Portkey's Node server and the
// LiteLLM proxy. Every one is stopped by the harness; setpriv kills them if the harness dies.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort, startProcess, stopPid, waitFor } from '../control-plane/processes.ts'
import { emulatorAwsEnv, startAnnouncing, type RunningProcess } from '../support/processes.ts'

const repoRoot = new URL('../../', import.meta.url).pathname

export const BENCH_KEY = 'sk-strata-bench-key'
export const CONVERSE_MODEL_ID = 'us.anthropic.claude-sonnet-4-6'
export const MANTLE_MODEL_ID = 'openai.gpt-oss-120b'

export function startBenchEmulator(workDirectory: string): Promise<RunningProcess> {
  return startAnnouncing(
    'emulator',
    [join(repoRoot, 'test/emulator/cli.ts'), '--port', '0', '--no-record'],
    workDirectory,
    /^EMULATOR_URL=(\S+)$/m,
    process.env,
  )
}

export function startBareProxy(workDirectory: string, upstream: string): Promise<RunningProcess> {
  return startAnnouncing(
    'bare-proxy',
    [join(repoRoot, 'test/bench/bare-proxy.ts'), '--upstream', upstream],
    workDirectory,
    /^BARE_PROXY_URL=(\S+)$/m,
    process.env,
  )
}

export function benchTable(): unknown {
  const route = (name: string, kind: string, modelId: string) => ({
    name,
    namespace: 'bench',
    model: name,
    backends: [{ kind, modelId, region: 'us-east-1' }],
  })
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'bench',
        namespace: 'bench',
        projectId: 'proj_bench',
        keys: [{ sha256: createHash('sha256').update(BENCH_KEY).digest('hex') }],
        routes: [
          route('claude', 'converse', CONVERSE_MODEL_ID),
          route('gpt-oss', 'mantle', MANTLE_MODEL_ID),
        ],
      },
    ],
  }
}

/**
 * strata-gateway standalone on the bench table; `nodeOptions` such as --cpu-prof go to Node and
 * `gatewayArgs` such as --max-in-flight to the gateway; `root` is the checkout whose gateway runs. `name` names its log, so that two
 * gateways in one work directory keep theirs apart.
 */
export async function startStrata(
  workDirectory: string,
  emulatorUrl: string,
  nodeOptions: string[] = [],
  name = 'gateway',
  gatewayArgs: string[] = [],
  root = repoRoot,
): Promise<RunningProcess> {
  const routesFile = join(workDirectory, 'routes.json')
  await writeFile(routesFile, JSON.stringify(benchTable()))
  return startAnnouncing(
    name,
    [
      ...nodeOptions,
      join(root, 'gateway/bin/strata-gateway.js'),
      '--routes',
      routesFile,
      '--port',
      '0',
      ...gatewayArgs,
    ],
    workDirectory,
    /^strata-gateway listening on (\S+)$/m,
    { PATH: process.env['PATH'], HOME: workDirectory, ...emulatorAwsEnv(emulatorUrl) },
  )
}

/** A server that announces nothing usable: poll a URL until it answers. */
async function startPolled(
  name: string,
  command: string,
  args: string[],
  options: { workDirectory: string; env: NodeJS.ProcessEnv; probe: string; timeoutMs: number },
): Promise<RunningProcess> {
  const logPath = join(options.workDirectory, `${name}.log`)
  const started = startProcess(name, command, args, logPath, { env: options.env })
  await waitFor(
    started,
    async () => (await fetch(options.probe, { signal: AbortSignal.timeout(1_000) })).ok,
    options.timeoutMs,
  )
  return {
    url: new URL(options.probe).origin,
    process: started,
    log: () => Promise.resolve(''),
    stop: () => stopPid(started.pid),
  }
}

/** @portkey-ai/gateway's own Node server (`start-server.js --port=N --headless`). */
export async function startPortkey(workDirectory: string): Promise<RunningProcess> {
  const server = join(repoRoot, 'node_modules/@portkey-ai/gateway/build/start-server.js')
  if (!existsSync(server)) throw new Error(`@portkey-ai/gateway is not installed (${server})`)
  const port = await freePort()
  return startPolled(
    'portkey',
    process.execPath,
    [server, `--port=${String(port)}`, '--headless'],
    {
      workDirectory,
      env: { PATH: process.env['PATH'], HOME: workDirectory, NODE_ENV: 'production' },
      probe: `http://127.0.0.1:${String(port)}/`,
      timeoutMs: 30_000,
    },
  )
}

/** The LiteLLM proxy from the venv test/setup-python.sh builds, its Bedrock pointed at us. */
export async function startLitellm(
  workDirectory: string,
  emulatorUrl: string,
  venv: string | undefined,
): Promise<RunningProcess> {
  const binary = venv === undefined ? undefined : join(venv, 'bin/litellm')
  if (binary === undefined || !existsSync(binary))
    throw new Error(`litellm not found (LITELLM_VENV=${String(venv)}); run test/setup-python.sh`)
  const aws = emulatorAwsEnv(emulatorUrl)
  const config = join(workDirectory, 'litellm.yaml')
  await writeFile(
    config,
    `model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/converse/${CONVERSE_MODEL_ID}
      aws_region_name: us-east-1
      aws_access_key_id: ${String(aws['AWS_ACCESS_KEY_ID'])}
      aws_secret_access_key: ${String(aws['AWS_SECRET_ACCESS_KEY'])}
      aws_bedrock_runtime_endpoint: ${emulatorUrl}
litellm_settings:
  telemetry: false
`,
  )
  const port = await freePort()
  return startPolled(
    'litellm',
    binary,
    ['--config', config, '--host', '127.0.0.1', '--port', String(port)],
    {
      workDirectory,
      env: {
        PATH: process.env['PATH'],
        HOME: workDirectory,
        ...aws,
        LITELLM_LOG: 'ERROR',
        LITELLM_TELEMETRY: 'False',
        NO_DOCS: 'True',
      },
      probe: `http://127.0.0.1:${String(port)}/health/liveliness`,
      timeoutMs: 120_000,
    },
  )
}
