// strata-operator: reads its configuration (config.ts), connects to the cluster, elects a leader
// and runs the manager on it. Everything else takes its dependencies from here.
import { hostname } from 'node:os'
import { createServer } from 'node:http'
import { BedrockClient } from '@aws-sdk/client-bedrock'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import { bearerSigner, sigV4Signer } from '@strata/aws-signing'
import { FoundationModelCatalog } from './bedrock/foundation-models.ts'
import { InferenceProfiles } from './bedrock/inference-profiles.ts'
import { mantleEndpoint, mantleHttp } from './bedrock/mantle-http.ts'
import { ProjectsClient } from './bedrock/projects-client.ts'
import { LeaderElector } from './kube/leader-election.ts'
import { ConfigError, parseOperatorConfig, usage, type OperatorConfig } from './config.ts'
import { describeError } from './kube/errors.ts'
import { loadKubeConfig } from './kube/load-config.ts'
import { Manager } from './manager.ts'
import { createOperatorMetrics } from './metrics.ts'
import {
  managedPrometheusRegion,
  prometheusClient,
  type PrometheusClient,
} from './controllers/rollout/prometheus-client.ts'

const env = process.env
function readConfig(): OperatorConfig {
  try {
    const config = parseOperatorConfig(process.argv.slice(2), env)
    if (config !== 'help') return config
    process.stdout.write(usage())
    process.exit(0)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`strata-operator: ${error.message}\n${usage()}`)
    process.exit(2)
  }
}
const values = readConfig()

const log = (message: string) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), component: 'strata-operator', message })}\n`,
  )
}
const namespace = values.namespace
const identity = `${hostname()}-${String(process.pid)}`
const config = loadKubeConfig(values.kubeconfig, env)

const credentials = defaultProvider()
const bearer = env['AWS_BEARER_TOKEN_BEDROCK']
const mantleSigner = bearer
  ? bearerSigner(bearer)
  : sigV4Signer(credentials, () => new Date(), 'bedrock-mantle')
const projectClients = new Map<string, ProjectsClient>()
const profileClients = new Map<string, InferenceProfiles>()
const bedrockClients = new Map<string, BedrockClient>()
// The SDK honours AWS_ENDPOINT_URL_BEDROCK and the default credential chain by itself.
const bedrockClient = (region: string): BedrockClient => {
  let client = bedrockClients.get(region)
  if (!client) {
    client = new BedrockClient({ region, maxAttempts: 3 })
    bedrockClients.set(region, client)
  }
  return client
}
const metrics = createOperatorMetrics()

// Amazon Managed Service for Prometheus takes only signed queries; any other address is queried
// as it is.
function prometheusAt(url: string | undefined): PrometheusClient | undefined {
  if (url === undefined) return undefined
  const region = managedPrometheusRegion(url)
  if (region === undefined) return prometheusClient(url)
  const signer = sigV4Signer(credentials, () => new Date(), 'aps')
  return prometheusClient(url, { signing: { signer, region } })
}

const manager = new Manager({
  config,
  identity,
  namespace,
  gatewayBaseUrl: values['gateway-url'] ?? `http://strata-gateway.${namespace}.svc/v1`,
  resyncMs: values['resync-seconds'] * 1000,
  keyGraceSeconds: values['key-grace-seconds'],
  metrics,
  log,
  prometheus: prometheusAt(values['prometheus-url']),
  projects: (region) => {
    let client = projectClients.get(region)
    if (!client) {
      client = new ProjectsClient(mantleHttp(mantleEndpoint(env, region), region, mantleSigner))
      projectClients.set(region, client)
    }
    return client
  },
  profiles: (region) => {
    let client = profileClients.get(region)
    if (!client) {
      client = new InferenceProfiles(bedrockClient(region))
      profileClients.set(region, client)
    }
    return client
  },
  models: new FoundationModelCatalog(bedrockClient, log),
})

let ready = false
const server = createServer((request, response) => {
  if (request.url === '/metrics') {
    void metrics.registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text)
    })
    return
  }
  if (request.url === '/healthz') return void response.writeHead(200).end('ok')
  if (request.url === '/readyz')
    return void response.writeHead(ready ? 200 : 503).end(ready ? 'ok' : 'not ready')
  response.writeHead(404).end()
})
server.listen(values['metrics-port'], () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  process.stdout.write(`strata-operator serving metrics on port ${String(port)}\n`)
})

const shutdown = new AbortController()
let started = false
const startManager = () => {
  if (started) return
  started = true
  metrics.leader.set(1)
  log(`${identity} starting controllers`)
  manager.start().then(
    () => (ready = true),
    (error: unknown) => {
      log(`manager failed to start: ${describeError(error)}`)
      process.exit(1)
    },
  )
}

const elector = values['leader-elect']
  ? new LeaderElector(config, {
      namespace,
      name: 'strata-operator',
      identity,
      log,
      onStartedLeading: startManager,
      // A deposed leader exits so it can never act on stale state; its pod restarts as a follower.
      onStoppedLeading: () => {
        log('lost leadership; exiting')
        process.exit(1)
      },
      onNamespaceMissing: () => process.exit(1),
    })
  : undefined
let electing: Promise<void> = Promise.resolve()
if (elector) electing = elector.run(shutdown.signal)
else startManager()

async function stop(signal: string) {
  log(`${signal}: shutting down`)
  await manager.stop()
  shutdown.abort()
  await electing
  server.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
