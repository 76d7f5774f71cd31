// Publishes the routing table: compile from the caches, skip when the content is unchanged,
// otherwise bump the version and server-side apply one ConfigMap, which the gateways watch; then
// hand the outcome to the ModelRoute status writer. It consumes the "table dirty" signal
// (controllers/table-dirty.ts): marks are coalesced, and one publish runs at a time, so a burst of
// edits becomes one table.
import {
  CONTENT_HASH_ANNOTATION,
  encodeTableConfigMap,
  ROUTING_TABLE_API_VERSION,
  ROUTING_TABLE_CONFIG_MAP,
  ROUTING_TABLE_KIND,
  tableContentHash,
  VERSION_ANNOTATION,
  type BedrockProject,
  type ModelRoute,
  type RoutingTableInput,
} from '@strata/crds'
import type { V1ConfigMap } from '@kubernetes/client-node'
import type { FoundationModelCatalog } from '../bedrock/foundation-models.ts'
import type { RouteStatusWriter } from '../controllers/model-route/status-writer.ts'
import { describeError } from '../kube/errors.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import type { TypedCache } from '../kube/typed-cache.ts'
import type { OperatorMetrics } from '../metrics.ts'
import { compileTable } from './compile-table.ts'
import type { TableDirty } from '../controllers/table-dirty.ts'
import { projectInput, routeInput } from './table-inputs.ts'

export interface PublisherDeps {
  kube: Pick<KubeClient, 'read' | 'apply'>
  namespace: string
  /** The signal this publisher consumes; publishes follow its marks. */
  dirty: Pick<TableDirty, 'consume'>
  /** The informer caches the table is compiled from. */
  cache: {
    projects: Pick<TypedCache<BedrockProject>, 'list'>
    routes: Pick<TypedCache<ModelRoute>, 'list'>
  }
  /** Told, after each publish (or no-op), the version now serving and each route's outcome. */
  routeStatus: Pick<RouteStatusWriter, 'write'>
  now: () => Date
  log: (message: string) => void
  /** The model catalog, so routes to models Bedrock does not offer are refused with a reason. */
  models?: FoundationModelCatalog
  /** Where the time of each compile-and-publish, and the version serving after it, are kept. */
  metrics?: Pick<OperatorMetrics, 'tablePublish' | 'tableVersion'>
  debounceMs?: number
}

export class TablePublisher {
  readonly #deps: PublisherDeps
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #stopped = false
  #failures = 0

  constructor(deps: PublisherDeps) {
    this.#deps = deps
    deps.dirty.consume(() => this.#trigger())
  }

  #trigger(): void {
    if (this.#timer || this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#run()
    }, this.#deps.debounceMs ?? 50)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #run(): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.publish()
      .then(() => {
        this.#failures = 0
      })
      .catch((error: unknown) => {
        const delay = Math.min(500 * 2 ** this.#failures++, 30_000)
        this.#deps.log(
          `routing table publish failed, retrying in ${delay} ms: ${describeError(error)}`,
        )
        setTimeout(() => this.#trigger(), delay).unref()
      })
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.#trigger()
        }
      })
  }

  /** One compile and publish; exposed for tests and benchmarks. */
  async publish(): Promise<number> {
    const started = performance.now()
    try {
      return await this.#publish()
    } finally {
      this.#deps.metrics?.tablePublish.observe((performance.now() - started) / 1000)
    }
  }

  async #publish(): Promise<number> {
    // The caches hand out only objects their schema accepted (kube/typed-cache.ts).
    const projects = this.#deps.cache.projects.list()
    const routes = this.#deps.cache.routes.list()
    const projectInputs = projects.map(projectInput)
    const models = this.#deps.models
    if (models) {
      const regionOf = new Map(projectInputs.map((p) => [`${p.namespace}/${p.name}`, p.region]))
      const regions = new Set<string>()
      for (const route of routes)
        for (const backend of route.spec.backends) {
          const region =
            backend.region ??
            regionOf.get(`${route.metadata.namespace ?? ''}/${route.spec.projectRef.name}`)
          if (backend.kind === 'converse' && region) regions.add(region)
        }
      await models.load(regions)
    }
    const compiled = compileTable(projectInputs, routes.map(routeInput), (region, modelId) =>
      models?.exists(region, modelId),
    )
    const hash = tableContentHash(compiled.projects)
    const { kube, namespace } = this.#deps
    const current = await kube.read<V1ConfigMap & { metadata: { name: string } }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ROUTING_TABLE_CONFIG_MAP, namespace },
    })
    const currentVersion = Number(current?.metadata.annotations?.[VERSION_ANNOTATION] ?? 0)
    let version = currentVersion
    if (current?.metadata.annotations?.[CONTENT_HASH_ANNOTATION] !== hash) {
      version = currentVersion + 1
      const table: RoutingTableInput = {
        apiVersion: ROUTING_TABLE_API_VERSION,
        kind: ROUTING_TABLE_KIND,
        version,
        generatedAt: this.#deps.now().toISOString(),
        projects: compiled.projects,
      }
      await kube.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROUTING_TABLE_CONFIG_MAP,
          namespace,
          labels: {
            'app.kubernetes.io/managed-by': 'strata-operator',
            'app.kubernetes.io/part-of': 'strata',
          },
          annotations: { [VERSION_ANNOTATION]: String(version), [CONTENT_HASH_ANNOTATION]: hash },
        },
        ...encodeTableConfigMap(table),
      })
    }
    this.#deps.metrics?.tableVersion.set(version)
    await this.#deps.routeStatus.write(version, compiled, routes, this.#deps.now())
    return version
  }
}
