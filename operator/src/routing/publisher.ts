// Publishes the routing table: compile from the caches, skip when the content is unchanged,
// otherwise bump the version and server-side apply one ConfigMap, which the gateways watch.
// Triggers are coalesced, and one publish runs at a time, so a burst of edits becomes one table.
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
import { describeError } from '../kube/errors.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import {
  compileTable,
  type CompiledTable,
  type ProjectInput,
  type RouteInput,
} from './compile-table.ts'

export interface PublisherDeps {
  kube: KubeClient
  namespace: string
  projects: () => BedrockProject[]
  routes: () => ModelRoute[]
  /** Called after each publish (or no-op) with the version now serving and each route's outcome. */
  onPublished: (version: number, compiled: CompiledTable, routes: ModelRoute[]) => Promise<void>
  now: () => Date
  log: (message: string) => void
  /** The model catalog, so routes to models Bedrock does not offer are refused with a reason. */
  models?: FoundationModelCatalog
  /** Seconds each compile-and-publish took. */
  observe?: (seconds: number) => void
  debounceMs?: number
}

// The reasons planProject gives when the recorded project can no longer serve inference.
const unservable = new Set(['ProjectMissing', 'ProjectArchived'])

function unavailableOf(project: BedrockProject): ProjectInput['unavailable'] {
  const synced = project.status?.conditions?.find((c) => c.type === 'ProjectSynced')
  if (synced?.status !== 'False' || !unservable.has(synced.reason)) return undefined
  return { reason: synced.reason, message: synced.message }
}

function projectInput(project: BedrockProject): ProjectInput {
  const { status, spec, metadata } = project
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    region: spec.region,
    projectId: status?.projectId,
    unavailable: unavailableOf(project),
    projectArn: status?.projectArn,
    tags: spec.tags,
    keys: status?.clientKeys ?? [],
    ...(spec.access ? { access: spec.access } : {}),
    ...(spec.guardrail ? { guardrail: spec.guardrail } : {}),
    profiles: Object.fromEntries(
      (status?.inferenceProfiles ?? []).map((profile) => [profile.modelId, profile.arn]),
    ),
    limits: spec.limits,
    budgets: spec.budgets,
  }
}

// Custom objects come back as plain JSON, so timestamps are strings; a Date is tolerated too.
function timestamp(value: unknown): string {
  if (typeof value === 'string') return value
  return value instanceof Date ? value.toISOString() : ''
}

function routeInput(route: ModelRoute): RouteInput {
  return {
    namespace: route.metadata.namespace ?? '',
    name: route.metadata.name ?? '',
    creationTimestamp: timestamp(route.metadata['creationTimestamp']),
    spec: route.spec,
  }
}

export class TablePublisher {
  readonly #deps: PublisherDeps
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #failures = 0
  publishes = 0

  constructor(deps: PublisherDeps) {
    this.#deps = deps
  }

  trigger(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#run()
    }, this.#deps.debounceMs ?? 50)
  }

  stop(): void {
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
        setTimeout(() => this.trigger(), delay).unref()
      })
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.trigger()
        }
      })
  }

  /** One compile and publish; exposed for tests and benchmarks. */
  async publish(): Promise<number> {
    const started = performance.now()
    try {
      return await this.#publish()
    } finally {
      this.#deps.observe?.((performance.now() - started) / 1000)
    }
  }

  async #publish(): Promise<number> {
    // The caches hand out only objects their schema accepted (kube/typed-cache.ts).
    const projects = this.#deps.projects()
    const routes = this.#deps.routes()
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
      this.publishes++
    }
    await this.#deps.onPublished(version, compiled, routes)
    return version
  }
}
