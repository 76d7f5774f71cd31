// Wires the operator together: informers on BedrockProjects and ModelRoutes feed one serialised
// work queue for projects and a coalescing table publisher. Started only on the leader.
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
  MODEL_ROUTE_KIND,
  MODEL_ROUTE_PLURAL,
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
import { describeError } from './kube/errors.ts'
import { ResilientInformer } from './kube/informer.ts'
import { typedStore, type TypedCache } from './kube/typed-cache.ts'
import { KubeClient } from './kube/kube-client.ts'
import type { OperatorMetrics } from './metrics.ts'
import { TablePublisher } from './routing/publisher.ts'
import { RouteStatusWriter } from './routing/route-status.ts'
import {
  projectsToReconcile,
  projectTrigger,
  routeTrigger,
  type ProjectTrigger,
  type RouteTrigger,
} from './triggers.ts'

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
  // What each object last looked like to the event filters; status-only echoes are told apart.
  readonly #projectTriggers = new Map<string, ProjectTrigger>()
  readonly #routeTriggers = new Map<string, RouteTrigger>()

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
    this.#projects = projectStore.view(() => this.#projectInformer.cache)
    this.#routes = routeStore.view(() => this.#routeInformer.cache)
    const statuses = new RouteStatusWriter(kube)

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
        const before = statuses.writes
        try {
          await statuses.write(version, compiled, routes, new Date())
        } finally {
          metrics.statusWrites.inc({ kind: MODEL_ROUTE_KIND }, statuses.writes - before)
        }
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
        log(`reconcile ${key} failed, retry in ${retryInMs} ms: ${describeError(error)}`)
      },
    })

    this.#projectInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP_VERSION}/${BEDROCK_PROJECT_PLURAL}`,
      list: lister(BEDROCK_PROJECT_PLURAL),
      transform: projectStore.transform,
      // Every change may alter the table (status carries keys and profiles); only changes to what
      // the reconcile acts on (spec, deletion, the rotate annotation) need a reconcile. Our own
      // status writes echo back here and must not cost a Bedrock call each.
      onEvent: (object, kind) => {
        const key = keyOf(object)
        const project = this.#projects.get(
          object.metadata?.name ?? '',
          object.metadata?.namespace ?? '',
        )
        const next = kind === 'delete' || !project ? undefined : projectTrigger(project)
        const previous = this.#projectTriggers.get(key)
        if (next) this.#projectTriggers.set(key, next)
        else this.#projectTriggers.delete(key)
        if (next && next !== previous) this.#queue.add(key)
        this.#publish()
      },
      onConnect: () => this.#markSynced('projects'),
      log,
    })
    this.#routeInformer = new ResilientInformer<KubernetesObject>(config, {
      path: `/apis/${GROUP_VERSION}/${MODEL_ROUTE_PLURAL}`,
      list: lister(MODEL_ROUTE_PLURAL),
      transform: routeStore.transform,
      // Only a spec change (or an add or delete) matters: a route's status is ours, and its echo
      // must neither republish nor reconcile. The project is reconciled only when the route's
      // Converse models change, since those decide its inference profiles.
      onEvent: (object, kind) => {
        const key = keyOf(object)
        const route = this.#routes.get(
          object.metadata?.name ?? '',
          object.metadata?.namespace ?? '',
        )
        const next = kind === 'delete' || !route ? undefined : routeTrigger(route)
        const previous = this.#routeTriggers.get(key)
        if (next) this.#routeTriggers.set(key, next)
        else this.#routeTriggers.delete(key)
        if (next && previous && next.generation === previous.generation) return
        for (const project of projectsToReconcile(previous, next, (key) => this.#profiled(key)))
          this.#queue.add(project)
        this.#publish()
      },
      onConnect: () => this.#markSynced('routes'),
      log,
    })
  }

  /** The models a project already has inference profiles for, as its status records them. */
  #profiled(key: string): ReadonlySet<string> {
    const [namespace = '', name = ''] = key.split('/')
    const project = this.#projects.get(name, namespace)
    return new Set((project?.status?.inferenceProfiles ?? []).map((profile) => profile.modelId))
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
