// The one runtime-specific file: reads flags and env, builds the app's dependencies, serves it
// over Node and drains on SIGTERM/SIGINT. Everything it wires is tested apart from it; the
// journeys in test/journeys run it as a real process.
import { readFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import { z } from 'zod'
import { defaultAppOptions, type AppDeps } from './app-deps.ts'
import { createJsonLogger, errorFields, type Logger } from './app-logger.ts'
import { batchedLines } from './batched-lines.ts'
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
import { withMessagesGuardrail } from './guardrails/messages-guardrail.ts'
import { createMantleClient, type MantleClient } from './upstream/mantle-client.ts'
import { createGuardrailClient, type GuardrailClient } from './upstream/guardrail-client.ts'
import { withApplyGuardrail } from './guardrails/mantle-guardrail.ts'
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
import { createRoutingState, type RoutingState } from './routing/routing-state.ts'
import { parseRoutingTableText } from './routing/table-file.ts'
import { watchRoutingTableFile } from './routing/table-watcher.ts'

const usage = `usage: strata-gateway (--routes FILE | --routes-configmap NS/NAME) [--port N] [--host H] …

  --routes FILE        routing table (JSON); env STRATA_ROUTES_FILE. Reloaded when it changes.
  --routes-configmap NS/NAME
                       in-cluster mode: watch the table the operator publishes in this ConfigMap;
                       env STRATA_ROUTES_CONFIGMAP. Uses the pod's ServiceAccount, or the three
                       flags below when running outside a cluster:
  --kube-api URL       env STRATA_KUBE_API
  --kube-token-file F  env STRATA_KUBE_TOKEN_FILE (a token allowed to get/list/watch the ConfigMap)
  --kube-ca-file F     env STRATA_KUBE_CA_FILE
  --port N             listen port, 0 for any free one; env STRATA_LISTEN_PORT (default 8080)
  --host H             listen address; env STRATA_LISTEN_HOST (default 127.0.0.1; 0.0.0.0 in a container)
  --drain-timeout MS   how long a stop may take from SIGTERM, delay included; requests still in
                       flight then are cut; env STRATA_DRAIN_TIMEOUT_MS (default 25000, inside
                       Kubernetes' default 30 s grace period)
  --shutdown-delay-ms MS
                       after SIGTERM, /readyz fails at once but the gateway keeps serving new
                       connections this long before it drains, while a Service removes the pod from
                       its endpoints; env STRATA_SHUTDOWN_DELAY_MS (default 5000 with
                       --routes-configmap, 0 with --routes)
  --max-body-bytes N   largest request body; env STRATA_MAX_BODY_BYTES (default 20 MiB)
  --max-in-flight N    model requests (streams until their end) one process works on at once;
                       more are refused at once with 503 overloaded and Retry-After, so a pod past
                       its capacity stays fast for those it admits; 0 for no bound; env
                       STRATA_MAX_IN_FLIGHT (default 1024; set it a few times the autoscaling
                       target per replica)
  --keep-alive-ms MS   SSE comment sent whenever a stream is silent this long, also before its
                       first event; env STRATA_KEEP_ALIVE_MS (default 15000, under the 60 s idle
                       timeout of common load balancers)
  --service-account-auth
                       also accept Kubernetes ServiceAccount tokens (audience strata) as API keys,
                       verified with TokenReview and mapped to projects by their access lists; env
                       STRATA_SERVICE_ACCOUNT_AUTH=true. Needs the pod's ServiceAccount (or the
                       --kube-* flags) allowed to create tokenreviews.
  --fetch-image-urls   fetch https image URLs for Converse (off: only data URLs); env
                       STRATA_FETCH_IMAGE_URLS=true. Enable only where egress is restricted.
  --price-table FILE   prices for gen_ai_client_cost_usd_total and the access log (JSON,
                       docs/metrics.md); env STRATA_PRICE_TABLE. Adds to the built-in Bedrock
                       on-demand prices unless the file says "replaceDefaults": true.
  --no-access-log      no JSON access line per request on stdout (on by default); env
                       STRATA_ACCESS_LOG=false
  --log-content        add the prompt and the answer text, truncated, to the access log (off by
                       default: prompts may hold personal data); env STRATA_LOG_CONTENT=true
  --redis-url URL      Redis shared by all replicas for rate limits and budgets; env
                       STRATA_REDIS_URL. Without it, limits are held per replica.
  --replicas-hint N    replicas sharing each limit, for per-replica shares when Redis is absent or
                       down; env STRATA_REPLICAS_HINT (default: the count Redis last saw, else 1)

AWS: the region comes from each route's backend; credentials from the default chain (env, IRSA,
Pod Identity, IMDS) or AWS_BEARER_TOKEN_BEDROCK; AWS_ENDPOINT_URL_BEDROCK_RUNTIME and
AWS_ENDPOINT_URL_BEDROCK_MANTLE override the endpoints.`

const integer = z.coerce.number().int().nonnegative()

const routesRequired =
  'the routing table is required: --routes FILE (standalone) or --routes-configmap NS/NAME (in-cluster)'

const configSchema = z
  .object({
    routesFile: z.string().min(1).optional(),
    routesConfigMap: z
      .string()
      .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'must be NAMESPACE/NAME')
      .optional(),
    kubeApi: z.url().optional(),
    kubeTokenFile: z.string().min(1).optional(),
    kubeCaFile: z.string().min(1).optional(),
    port: integer.max(65_535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    drainTimeoutMs: integer.default(25_000),
    shutdownDelayMs: integer.optional(),
    maxBodyBytes: integer.positive().default(defaultAppOptions.maxBodyBytes),
    maxInFlight: integer.default(1024),
    keepAliveMs: integer.min(10).max(600_000).default(defaultAppOptions.keepAliveMs),
    fetchImageUrls: z.boolean().default(false),
    priceTableFile: z.string().min(1).optional(),
    accessLog: z.boolean().default(true),
    logContent: z.boolean().default(false),
    redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
    replicasHint: integer.positive().optional(),
    serviceAccountAuth: z.boolean().default(false),
    /** What the AWS client configuration reads; passed through, never read elsewhere. */
    env: z.custom<NodeJS.ProcessEnv>(),
  })
  .refine(
    (config) => (config.routesFile === undefined) !== (config.routesConfigMap === undefined),
    {
      message: routesRequired,
    },
  )

export type ServerConfig = z.infer<typeof configSchema>

/** Flags win over env; both are validated, and a bad value names itself. */
export function parseServerConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      routes: { type: 'string' },
      'routes-configmap': { type: 'string' },
      'kube-api': { type: 'string' },
      'kube-token-file': { type: 'string' },
      'kube-ca-file': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'drain-timeout': { type: 'string' },
      'shutdown-delay-ms': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'keep-alive-ms': { type: 'string' },
      'fetch-image-urls': { type: 'boolean' },
      'price-table': { type: 'string' },
      'access-log': { type: 'boolean' },
      'log-content': { type: 'boolean' },
      'redis-url': { type: 'string' },
      'replicas-hint': { type: 'string' },
      'service-account-auth': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowNegative: true,
  })
  if (values.help === true) throw new Error(usage)
  const result = configSchema.safeParse({
    routesFile: values.routes ?? env['STRATA_ROUTES_FILE'],
    routesConfigMap: values['routes-configmap'] ?? env['STRATA_ROUTES_CONFIGMAP'],
    kubeApi: values['kube-api'] ?? env['STRATA_KUBE_API'],
    kubeTokenFile: values['kube-token-file'] ?? env['STRATA_KUBE_TOKEN_FILE'],
    kubeCaFile: values['kube-ca-file'] ?? env['STRATA_KUBE_CA_FILE'],
    port: values.port ?? env['STRATA_LISTEN_PORT'],
    host: values.host ?? env['STRATA_LISTEN_HOST'],
    drainTimeoutMs: values['drain-timeout'] ?? env['STRATA_DRAIN_TIMEOUT_MS'],
    shutdownDelayMs: values['shutdown-delay-ms'] ?? env['STRATA_SHUTDOWN_DELAY_MS'],
    maxBodyBytes: values['max-body-bytes'] ?? env['STRATA_MAX_BODY_BYTES'],
    maxInFlight: values['max-in-flight'] ?? env['STRATA_MAX_IN_FLIGHT'],
    keepAliveMs: values['keep-alive-ms'] ?? env['STRATA_KEEP_ALIVE_MS'],
    fetchImageUrls: values['fetch-image-urls'] ?? env['STRATA_FETCH_IMAGE_URLS'] === 'true',
    priceTableFile: values['price-table'] ?? env['STRATA_PRICE_TABLE'],
    accessLog: values['access-log'] ?? env['STRATA_ACCESS_LOG'] !== 'false',
    logContent: values['log-content'] ?? env['STRATA_LOG_CONTENT'] === 'true',
    redisUrl: values['redis-url'] ?? env['STRATA_REDIS_URL'],
    replicasHint: values['replicas-hint'] ?? env['STRATA_REPLICAS_HINT'],
    serviceAccountAuth:
      values['service-account-auth'] ?? env['STRATA_SERVICE_ACCOUNT_AUTH'] === 'true',
    env,
  })
  if (!result.success) throw new Error(`${z.prettifyError(result.error)}\n\n${usage}`)
  return result.data
}

/** Behind a Service (in-cluster mode) endpoints need a few seconds to drop a stopping pod. */
export function shutdownDelayOf(config: ServerConfig): number {
  const delay = config.shutdownDelayMs ?? (config.routesConfigMap === undefined ? 0 : 5_000)
  return Math.min(delay, config.drainTimeoutMs)
}

interface Gateway {
  server: Server
  connections: ConnectionDrain
  watcher: { close(): void }
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
  const limits = startLimitsRuntime({
    redisUrl: config.redisUrl,
    replicasHint: config.replicasHint,
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
  const server = await new Promise<Server>((resolveServer) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
      resolveServer(started as Server)
    })
  })
  server.on('clientError', onClientError)
  const connections = trackConnections(server)
  return {
    server,
    connections,
    watcher,
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
  return new Promise((resolveDrain) => {
    const sweep = setInterval(() => {
      gateway.server.closeIdleConnections()
    }, 100)
    const deadline = setTimeout(() => {
      gateway.logger.warn('drain timeout reached; closing connections still open', { timeoutMs })
      gateway.server.closeAllConnections()
    }, timeoutMs)
    gateway.server.close(() => {
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
    gateway.server.closeIdleConnections()
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
  const address = gateway.server.address() as AddressInfo
  out.flush()
  process.stdout.write(`strata-gateway listening on http://${config.host}:${address.port}\n`)

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
