// Wires the operator together: informers on BedrockProjects and ModelRoutes feed one serialised
// work queue for projects and a coalescing table publisher. Started only on the leader.
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node'
import {
  bedrockProjectSchema,
  modelRouteSchema,
  type BedrockProject,
  type ModelRoute,
} from '@strata/crds'
import type { FoundationModelCatalog } from './bedrock/foundation-models.ts'
import type { InferenceProfiles } from './bedrock/inference-profiles.ts'
import type { ProjectsClient } from './bedrock/projects-client.ts'
import { BedrockProjectController } from './controllers/bedrock-project/controller.ts'
import { WorkQueue } from './controllers/work-queue.ts'
import { ResilientInformer } from './kube/informer.ts'
import { typedCache, type TypedCache } from './kube/typed-cache.ts'
import { GROUP, KubeClient, VERSION } from './kube/kube-client.ts'
import type { OperatorMetrics } from './metrics.ts'
import { TablePublisher } from './routing/publisher.ts'
import { writeRouteStatuses } from './routing/route-status.ts'

export interface ManagerOptions {
  config: KubeConfig
  identity: string
  namespace: string
  gatewayBaseUrl: string
  resyncMs: number
  keyGraceSeconds: number
  projects: (region: string) => ProjectsClient
  profiles: (region: string) => InferenceProfiles
  models?: FoundationModelCatalog
  metrics: OperatorMetrics
  log: (message: string) => void
}

const keyOf = (object: { metadata?: { namespace?: string; name?: string } }) =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`

export class Manager {
  readonly #projectInformer: ResilientInformer<KubernetesObject>
  readonly #routeInformer: ResilientInformer<KubernetesObject>
  readonly #projects: TypedCache<BedrockProject>
  readonly #routes: TypedCache<ModelRoute>
  readonly #queue: WorkQueue
  readonly #publisher: TablePublisher
  readonly #synced = new Set<string>()

  constructor(options: ManagerOptions) {
    const { config, metrics, log } = options
    const kube = new KubeClient(config, options.identity, log)
    const custom = config.makeApiClient(CustomObjectsApi)
    const lister = (plural: string) => async () =>
      (await custom.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural,
      })) as KubernetesListObject<KubernetesObject>
    const invalid = (object: KubernetesObject, error: Error) => {
      log(
        `ignoring ${object.kind ?? 'object'} ${keyOf(object)}: it does not match the schema: ${error.message}`,
      )
    }
    this.#projects = typedCache(() => this.#projectInformer.cache, bedrockProjectSchema, invalid)
    this.#routes = typedCache(() => this.#routeInformer.cache, modelRouteSchema, invalid)

    this.#publisher = new TablePublisher({
      kube,
      namespace: options.namespace,
      projects: () => this.#projects.list(),
      routes: () => this.#routes.list(),
      now: () => new Date(),
      log,
      ...(options.models ? { models: options.models } : {}),
      observe: (seconds) => {
        metrics.tablePublish.observe(seconds)
      },
      onPublished: async (version, compiled, routes) => {
        metrics.tableVersion.set(version)
        await writeRouteStatuses(kube, version, compiled, routes, new Date())
      },
    })
    const controller = new BedrockProjectController({
      kube,
      getProject: (namespace, name) => this.#projects.get(name, namespace),
      routesOf: (namespace, project) =>
        this.#routes.list(namespace).filter((route) => route.spec.projectRef.name === project),
      projects: options.projects,
      profiles: options.profiles,
      onChanged: () => this.#publish(),
      gatewayBaseUrl: options.gatewayBaseUrl,
      resyncMs: options.resyncMs,
      keyGraceSeconds: options.keyGraceSeconds,
      now: () => new Date(),
      log,
    })
    const name = 'bedrockproject'
    this.#queue = new WorkQueue({
      concurrency: 2,
      handler: async (key) => {
        const end = metrics.reconcileTime.startTimer({ controller: name })
        metrics.activeWorkers.inc({ controller: name })
        try {
          const outcome = await controller.reconcile(key)
          metrics.reconcileTotal.inc({
            controller: name,
            result: outcome?.requeueAfterMs ? 'requeue_after' : 'success',
          })
          return outcome
        } catch (error) {
          metrics.reconcileTotal.inc({ controller: name, result: 'error' })
          metrics.reconcileErrors.inc({ controller: name })
          throw error
        } finally {
          end()
          metrics.activeWorkers.dec({ controller: name })
          metrics.queueDepth.set({ name }, this.#queue.depth)
        }
      },
      onError: (key, error, retryInMs) => {
        metrics.queueRetries.inc({ name })
        log(
          `reconcile ${key} failed, retry in ${retryInMs} ms: ${error instanceof Error ? error.message : String(error)}`,
        )
      },
    })

    this.#projectInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP}/${VERSION}/bedrockprojects`,
      list: lister('bedrockprojects'),
      onEvent: (project) => {
        this.#queue.add(keyOf(project))
        this.#publish()
      },
      onConnect: () => this.#markSynced('projects'),
      log,
    })
    this.#routeInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP}/${VERSION}/modelroutes`,
      list: lister('modelroutes'),
      // A route may bring a new Converse model, which needs an inference profile on its project.
      onEvent: (object) => {
        const route = this.#routes.get(
          object.metadata?.name ?? '',
          object.metadata?.namespace ?? '',
        )
        if (route)
          this.#queue.add(`${route.metadata.namespace ?? ''}/${route.spec.projectRef.name}`)
        this.#publish()
      },
      onConnect: () => this.#markSynced('routes'),
      log,
    })
  }

  get publisher(): TablePublisher {
    return this.#publisher
  }

  async start(): Promise<void> {
    await Promise.all([this.#projectInformer.start(), this.#routeInformer.start()])
  }

  async stop(): Promise<void> {
    this.#publisher.stop()
    await Promise.all([this.#projectInformer.stop(), this.#routeInformer.stop()])
    await this.#queue.shutdown()
  }

  // Publishing before both caches are filled would drop every route not yet seen.
  #markSynced(what: string): void {
    this.#synced.add(what)
    this.#publish()
  }

  #publish(): void {
    if (this.#synced.size < 2) return
    this.#publisher.trigger()
  }
}
