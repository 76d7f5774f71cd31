// The composition root of the controllers, started only on the leader: informers on
// BedrockProjects and ModelRoutes, whose events go to each kind's event filter
// (controllers/*/events.ts); those queue project reconciles and mark the routing table dirty; the
// table publisher consumes that signal and hands each outcome to the ModelRoute status writer.
// Neither the queue nor the publisher acts before both caches hold their first list.
// The rollout controller reads the route cache and writes status.rollout, which the route event
// filter turns into a table mark. Nothing passes back through here once it is built.
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node'
import {
  API_GROUP,
  API_VERSION,
  BEDROCK_PROJECT_PLURAL,
  GROUP_VERSION,
  MODEL_ROUTE_PLURAL,
  bedrockProjectSchema,
  modelRouteSchema,
} from '@strata/crds'
import type { FoundationModelCatalog } from './bedrock/foundation-models.ts'
import type { InferenceProfiles } from './bedrock/inference-profiles.ts'
import type { ProjectsClient } from './bedrock/projects-client.ts'
import { ProjectEvents } from './controllers/bedrock-project/events.ts'
import { BedrockProjectReconciler } from './controllers/bedrock-project/reconciler.ts'
import { RouteEvents } from './controllers/model-route/events.ts'
import { RouteStatusWriter } from './controllers/model-route/status-writer.ts'
import type { PrometheusClient } from './controllers/rollout/prometheus-client.ts'
import { RolloutController } from './controllers/rollout/rollout-controller.ts'
import { measuredHandlers } from './controllers/reconcile-metrics.ts'
import { WorkQueue } from './controllers/work-queue.ts'
import { ResilientInformer } from './kube/informer.ts'
import { typedStore } from './kube/typed-cache.ts'
import { KubeClient } from './kube/kube-client.ts'
import type { OperatorMetrics } from './metrics.ts'
import { TablePublisher } from './routing/publisher.ts'
import { TableDirty } from './controllers/table-dirty.ts'
import { CacheSync } from './controllers/cache-sync.ts'

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
  /** Where rollouts read their gates; without it, declared rollouts stay Blocked. */
  prometheus?: PrometheusClient | undefined
  log: (message: string) => void
}

const keyOf = (object: KubernetesObject) =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`

export class Manager {
  readonly #projectInformer: ResilientInformer<KubernetesObject>
  readonly #routeInformer: ResilientInformer<KubernetesObject>
  readonly #queue: WorkQueue
  readonly #publisher: TablePublisher
  readonly #rollouts: RolloutController

  constructor(options: ManagerOptions) {
    const { config, metrics, log } = options
    const kube = new KubeClient(config, options.identity, log)
    const custom = config.makeApiClient(CustomObjectsApi)
    const lister = (plural: string) => async () =>
      (await custom.listClusterCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        plural,
      })) as KubernetesListObject<KubernetesObject>
    const invalid = (object: KubernetesObject, error: Error) => {
      log(
        `ignoring ${object.kind ?? 'object'} ${keyOf(object)}: it does not match the schema: ${error.message}`,
      )
    }
    const projectStore = typedStore(bedrockProjectSchema, invalid)
    const routeStore = typedStore(modelRouteSchema, invalid)
    const projects = projectStore.view(() => this.#projectInformer.cache)
    const routes = routeStore.view(() => this.#routeInformer.cache)
    // The table's publishes and the project reconciles both wait for these caches' first lists.
    const caches = new CacheSync([BEDROCK_PROJECT_PLURAL, MODEL_ROUTE_PLURAL])
    const tableDirty = new TableDirty(caches)

    this.#publisher = new TablePublisher({
      kube,
      namespace: options.namespace,
      dirty: tableDirty,
      cache: { projects, routes },
      routeStatus: new RouteStatusWriter(kube, metrics),
      now: () => new Date(),
      log,
      ...(options.models ? { models: options.models } : {}),
      metrics,
    })
    this.#rollouts = new RolloutController({
      kube,
      routes,
      prometheus: options.prometheus,
      metrics,
      now: () => new Date(),
      log,
    })
    const reconciler = new BedrockProjectReconciler({
      kube,
      cache: { projects, routes },
      projects: options.projects,
      profiles: options.profiles,
      tableDirty,
      gatewayBaseUrl: options.gatewayBaseUrl,
      resyncMs: options.resyncMs,
      keyGraceSeconds: options.keyGraceSeconds,
      now: () => new Date(),
      log,
    })
    // Held until both caches have listed (caches.whenAll below).
    this.#queue = new WorkQueue({
      held: true,
      concurrency: 2,
      ...measuredHandlers({
        controller: 'bedrockproject',
        reconciler,
        depth: () => this.#queue.depth,
        metrics,
        log,
      }),
    })
    // An informer's start resolves even when its first list failed (it retries), so the queue
    // starts on the caches' own word that they hold a list (onListed → tableDirty.synced).
    caches.whenAll(() => this.#queue.start())
    const projectEvents = new ProjectEvents({ projects, queue: this.#queue, tableDirty })
    const routeEvents = new RouteEvents({ routes, projects, queue: this.#queue, tableDirty })

    this.#projectInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP_VERSION}/${BEDROCK_PROJECT_PLURAL}`,
      list: lister(BEDROCK_PROJECT_PLURAL),
      transform: projectStore.transform,
      onEvent: projectEvents.onEvent,
      onListed: () => tableDirty.synced(BEDROCK_PROJECT_PLURAL),
      log,
    })
    this.#routeInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP_VERSION}/${MODEL_ROUTE_PLURAL}`,
      list: lister(MODEL_ROUTE_PLURAL),
      transform: routeStore.transform,
      onEvent: routeEvents.onEvent,
      onListed: () => tableDirty.synced(MODEL_ROUTE_PLURAL),
      log,
    })
  }

  async start(): Promise<void> {
    await Promise.all([this.#projectInformer.start(), this.#routeInformer.start()])
    // After the caches are filled, so the first decisions read the recorded statuses.
    this.#rollouts.start()
  }

  async stop(): Promise<void> {
    await this.#rollouts.stop()
    this.#publisher.stop()
    await Promise.all([this.#projectInformer.stop(), this.#routeInformer.stop()])
    await this.#queue.shutdown()
  }
}
