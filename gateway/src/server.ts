// The one runtime-specific file: reads flags and env (config.ts), builds the app's dependencies, serves it
// over Node and drains on SIGTERM/SIGINT. Everything it wires is tested apart from it; the
// journeys in test/journeys run it as a real process.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { defaultAppOptions, type AppDeps } from './app-deps.ts'
import { parseServerConfig, shutdownDelayOf, type ServerConfig } from './config.ts'
import { createJsonLogger, errorFields, type Logger } from './app-logger.ts'
import { batchedLines } from './batched-lines.ts'
import { listenOn, type Listeners } from './listeners.ts'
import { trackConnections, type ConnectionDrain } from './connection-drain.ts'
import { createApp } from './app.ts'
import { onClientError } from './client-error.ts'
import { newCompletionId, newResponseId } from './random-ids.ts'
import { createConverseBackend } from './backends/converse-backend.ts'
import { createMantleBackend } from './backends/mantle-backend.ts'
import { createConverseResponsesBackend } from './backends/converse-responses-backend.ts'
import { createMantleResponsesBackend } from './backends/mantle-responses-backend.ts'
import { createConverseEmbeddingsBackend } from './backends/converse-embeddings-backend.ts'
import { createMantleEmbeddingsBackend } from './backends/mantle-embeddings-backend.ts'
import { createConverseClient, type ConverseClient } from './upstream/converse-client.ts'
import {
  bearerTokenFromEnv,
  defaultCredentials,
  endpointFromEnv,
  fromEnv,
} from './upstream/converse-client-config.ts'
import { createInvokeClient, type InvokeClient } from './upstream/invoke-client.ts'
import {
  createClaudeInvokeClient,
  type ClaudeInvokeClient,
} from './upstream/claude-invoke-client.ts'
import { createCountTokensClient, type CountTokensClient } from './upstream/count-tokens-client.ts'
import { createClaudeInvokeBackend } from './backends/claude-invoke-backend.ts'
import { withMessagesGuardrail } from './backends/messages-guardrail.ts'
import { createMantleClient, type MantleClient } from './upstream/mantle-client.ts'
import { createGuardrailClient, type GuardrailClient } from './upstream/guardrail-client.ts'
import { withApplyGuardrail } from './backends/mantle-guardrail.ts'
import { mantleConfigFromEnv } from './upstream/mantle-client-config.ts'
import { createImageFetcher } from './upstream/image-fetcher.ts'
import { createGatewayMetrics } from './metrics/gateway-metrics.ts'
import { observability } from './server-observability.ts'
import { recordCostUsd } from './observe/cost.ts'
import { startLimitsRuntime, type LimitsRuntime } from './limits/limits-runtime.ts'
import type { RoutingTable } from '@strata/crds'
import { inClusterOptions, kubeApiAccess, type KubeApiOptions } from './kubernetes/api-access.ts'
import { serviceAccountAuth } from './auth/service-account-setup.ts'
import { watchRoutingTableConfigMap } from './kubernetes/config-map-watcher.ts'
import { readyEndpointsReader } from './kubernetes/endpoint-slice-reader.ts'
import { pollReplicaCount } from './kubernetes/replica-count-poller.ts'
import { createRoutingState, type RoutingState } from './routing/routing-state.ts'
import { parseRoutingTableText } from './routing/table-file.ts'
import { watchRoutingTableFile } from './routing/table-watcher.ts'
import { watchLoopDelay } from './middleware/loop-delay-watch.ts'
import { oldestReadWaitMs } from './streaming/read-queue.ts'

interface Gateway {
  listeners: Listeners
  connections: ConnectionDrain
  watcher: { close(): void }
  replicas: { close(): void }
  converse: ConverseClient
  mantle: MantleClient
  invoke: InvokeClient
  claude: ClaudeInvokeClient
  countTokens: CountTokensClient
  limits: LimitsRuntime
  guardrails: GuardrailClient
  logger: Logger
}

function kubeOptions(config: ServerConfig, feature: string): KubeApiOptions {
  const options = config.kubeApi
    ? { server: config.kubeApi, tokenFile: config.kubeTokenFile ?? '', caFile: config.kubeCaFile }
    : inClusterOptions(config.env)
  if (!options)
    throw new Error(`${feature} outside a cluster needs --kube-api and --kube-token-file`)
  return options
}

async function watchTable(
  config: ServerConfig,
  routing: RoutingState,
  logger: Logger,
): Promise<{ close(): void }> {
  const onTable = (table: RoutingTable) => {
    routing.replace(table)
    logger.info('routing table loaded', { version: table.version, projects: table.projects.length })
  }
  const onInvalid = (error: unknown) => {
    logger.error(
      'routing table update refused; the previous table stays in service',
      errorFields(error),
    )
  }
  if (config.routesFile !== undefined) {
    const routesFile = resolve(config.routesFile)
    // A bad table file at start-up is fatal: serving nothing while looking healthy helps nobody.
    const initialText = await readFile(routesFile, 'utf8')
    routing.replace(parseRoutingTableText(initialText, routesFile))
    return watchRoutingTableFile({ path: routesFile, initialText, onTable, onInvalid })
  }
  const [namespace = '', name = ''] = (config.routesConfigMap ?? '').split('/')
  const options = kubeOptions(config, '--routes-configmap')
  // In-cluster, no table yet is not fatal: /readyz stays 503 until the operator publishes one.
  const watcher = watchRoutingTableConfigMap({
    api: kubeApiAccess(options),
    namespace,
    name,
    onTable,
    onInvalid,
    log: (message) => {
      logger.warn(message)
    },
  })
  await watcher.ready
  return watcher
}

/** How often each replica re-reads its Service's ready endpoints for its share of every limit. */
const REPLICA_COUNT_INTERVAL_MS = 5_000

// Where a replica learns how many replicas share each limit: its Service's live ready endpoints,
// a fixed hint, or neither (then the Redis heartbeat count, or 1).
async function replicaSource(
  config: ServerConfig,
  logger: Logger,
): Promise<{ current: () => number | undefined; close(): void }> {
  const hint = config.replicasHint
  if (config.replicasService === undefined) return { current: () => hint, close: () => undefined }
  const [namespace = '', name = ''] = config.replicasService.split('/')
  const read = readyEndpointsReader(kubeApiAccess(kubeOptions(config, '--replicas-service')), {
    namespace,
    name,
  })
  const poller = pollReplicaCount({
    read,
    intervalMs: REPLICA_COUNT_INTERVAL_MS,
    timeoutMs: 4_000,
    log: (message) => {
      logger.warn(message)
    },
    onChange: (count, previous) => {
      logger.info('replica count changed; per-replica limit shares follow', {
        service: config.replicasService,
        replicas: count,
        ...(previous === undefined ? {} : { previous }),
      })
    },
  })
  await poller.ready
  return poller
}

async function startGateway(
  config: ServerConfig,
  logger: Logger,
  stopping: () => boolean,
): Promise<Gateway> {
  const observe = await observability(config, logger)
  const routing = createRoutingState()
  const watcher = await watchTable(config, routing, logger)
  // One credential chain for both clients, so they share its cache and refreshes.
  const credentials = defaultCredentials()
  const converse = createConverseClient(fromEnv(config.env, credentials))
  const mantle = createMantleClient(mantleConfigFromEnv(config.env, credentials))
  const invoke = createInvokeClient(fromEnv(config.env, credentials))
  const claude = createClaudeInvokeClient(fromEnv(config.env, credentials))
  const bearerToken = bearerTokenFromEnv(config.env)
  const countEndpoint = endpointFromEnv(config.env)
  const countTokens = createCountTokensClient({
    credentials,
    ...(bearerToken === undefined ? {} : { bearerToken }),
    ...(countEndpoint === undefined ? {} : { endpoint: countEndpoint }),
  })
  const guardrails = createGuardrailClient(fromEnv(config.env, credentials))
  const metrics = createGatewayMetrics()
  const loop =
    config.shedLoopDelayMs > 0
      ? watchLoopDelay(() => performance.now(), oldestReadWaitMs)
      : undefined
  const replicas = await replicaSource(config, logger)
  const limits = startLimitsRuntime({
    redisUrl: config.redisUrl,
    redisTimeoutMs: config.redisTimeoutMs,
    replicas: replicas.current,
    metrics: metrics.limits,
    // The same prices as gen_ai_client_cost_usd_total, so a USD budget and the dashboard agree.
    costOf: (record) => recordCostUsd(record, observe.prices),
    logger,
    clock: Date.now,
  })
  const deps: AppDeps = {
    ...(config.serviceAccountAuth
      ? {
          serviceAccounts: serviceAccountAuth(
            kubeApiAccess(kubeOptions(config, '--service-account-auth')),
            metrics,
          ),
        }
      : {}),
    routing: routing.current,
    backends: {
      converse: createConverseBackend({
        client: converse,
        ...(config.fetchImageUrls ? { resolveImage: createImageFetcher() } : {}),
        baseModelIdOf: (target) => routing.current()?.baseModelIds.get(target.modelId),
      }),
      mantle: withApplyGuardrail(createMantleBackend({ client: mantle }), { client: guardrails }),
    },
    metrics,
    limits: limits.limiter,
    clock: Date.now,
    now: () => performance.now(),
    requestListeners: [...observe.listeners],
    prices: observe.prices,
    ...(observe.contentCapture ? { contentCapture: observe.contentCapture } : {}),
    newId: newCompletionId,
    random: Math.random,
    logger,
    stopping,
    ...(loop ? { loopDelay: { delayMs: loop.delayMs, boundMs: config.shedLoopDelayMs } } : {}),
    options: {
      ...defaultAppOptions,
      maxBodyBytes: config.maxBodyBytes,
      keepAliveMs: config.keepAliveMs,
      maxInFlight: config.maxInFlight,
    },
    responses: {
      backends: {
        converse: createConverseResponsesBackend({
          client: converse,
          baseModelIdOf: (target) => routing.current()?.baseModelIds.get(target.modelId),
        }),
        mantle: createMantleResponsesBackend({ client: mantle }),
      },
      newId: newResponseId,
    },
    messages: {
      backends: {
        converse: withMessagesGuardrail(
          createClaudeInvokeBackend({
            client: claude,
            countTokens,
            baseModelIdOf: (target) => routing.current()?.baseModelIds.get(target.modelId),
          }),
          { client: guardrails },
        ),
        mantle: undefined,
      },
    },
    embeddings: {
      backends: {
        converse: createConverseEmbeddingsBackend({
          client: invoke,
          baseModelIdOf: (target) => routing.current()?.baseModelIds.get(target.modelId),
        }),
        mantle: createMantleEmbeddingsBackend({ client: mantle }),
      },
    },
  }
  const app = createApp(deps)
  const listeners = await listenOn(
    // The hostname stands in for a missing Host header (an HTTP/1.0 client), as serve() did.
    getRequestListener(app.fetch, { hostname: config.host }),
    {
      port: config.port,
      host: config.host,
    },
  )
  for (const server of listeners.servers) server.on('clientError', onClientError)
  const connections = trackConnections(listeners.servers)
  return {
    listeners,
    connections,
    watcher,
    replicas,
    converse,
    mantle,
    invoke,
    claude,
    countTokens,
    limits,
    guardrails,
    logger,
  }
}

// Stop accepting, let requests in flight finish, and cut whatever is left at the deadline.
// Idle keep-alive connections are closed as they appear, so clients reconnect elsewhere.
function drain(gateway: Gateway, timeoutMs: number): Promise<void> {
  gateway.watcher.close()
  gateway.replicas.close()
  return new Promise((resolveDrain) => {
    const sweep = setInterval(() => {
      gateway.listeners.closeIdleConnections()
    }, 100)
    const deadline = setTimeout(() => {
      gateway.logger.warn('drain timeout reached; closing connections still open', { timeoutMs })
      gateway.listeners.closeAllConnections()
    }, timeoutMs)
    gateway.listeners.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      void Promise.allSettled([
        gateway.converse.close(),
        gateway.mantle.close(),
        gateway.invoke.close(),
        gateway.claude.close(),
        gateway.limits.close(),
        gateway.guardrails.close(),
      ]).finally(() => {
        gateway.countTokens.close()
        resolveDrain()
      })
    })
    gateway.listeners.closeIdleConnections()
  })
}

/** The program: `strata-gateway --routes FILE …`. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config: ServerConfig
  try {
    config = parseServerConfig(argv, env)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 2
    return
  }
  const out = batchedLines((text) => process.stdout.write(text))
  // stdout to a file or a pipe is written synchronously on Linux, so this lands before exit.
  process.on('exit', out.flush)
  const logger = createJsonLogger(out.write)
  let stopping = false
  let gateway: Gateway
  try {
    gateway = await startGateway(config, logger, () => stopping)
  } catch (error) {
    logger.error('failed to start', errorFields(error))
    process.exitCode = 1
    return
  }
  out.flush()
  process.stdout.write(
    `strata-gateway listening on http://${config.host}:${String(gateway.listeners.port)}\n`,
  )

  const delayMs = shutdownDelayOf(config)
  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      logger.warn('second signal; exiting now', { signal })
      process.exit(1)
    }
    // Readiness fails from here on; requests, new connections included, are still served until
    // the delay is over, because the Service may still send them.
    stopping = true
    // From now on every response ends its keep-alive connection. Clients drop sockets idle for
    // longer than the server's keep-alive timeout (5 s) on their own, so by the end of the delay
    // no idle socket is left for the drain to close under a client that is about to reuse it.
    gateway.connections.start()
    logger.info('stopping: not ready, still serving', { signal, delayMs })
    setTimeout(() => {
      const timeoutMs = config.drainTimeoutMs - delayMs
      logger.info('draining', { signal, timeoutMs })
      void drain(gateway, timeoutMs).then(() => {
        logger.info('stopped')
        process.exit(0)
      })
    }, delayMs)
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
