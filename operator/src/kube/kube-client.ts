// The operator's writes to the Kubernetes API, all through server-side apply with one field
// manager (so ownership of every field is explicit in managedFields), plus finalizer patches and
// Events. Reads come from informer caches; see informer.ts.
import {
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  V1MicroTime,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import {
  API_GROUP,
  API_VERSION,
  GROUP_VERSION,
  type BEDROCK_PROJECT_KIND,
  type BedrockProjectStatus,
  type BEDROCK_PROJECT_PLURAL,
  type MODEL_ROUTE_KIND,
  type MODEL_ROUTE_PLURAL,
  type ModelRouteStatus,
} from '@strata/crds'
import { describeError, statusCodeOf } from './errors.ts'

export const FIELD_MANAGER = 'strata-operator'

/** One of our custom objects, named the way the API paths and Events need. */
export interface ObjectRef {
  plural: typeof BEDROCK_PROJECT_PLURAL | typeof MODEL_ROUTE_PLURAL
  kind: typeof BEDROCK_PROJECT_KIND | typeof MODEL_ROUTE_KIND
  namespace: string
  name: string
  uid?: string | undefined
}

const applyOptions = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)
const jsonPatchOptions = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)

export class KubeClient {
  readonly #custom: CustomObjectsApi
  readonly #objects: KubernetesObjectApi
  readonly #events: EventsV1Api
  readonly #identity: string
  // Identical events within this window are recorded once, as kubectl's recorder would.
  readonly #recentEvents = new Map<string, number>()

  readonly #log: (message: string) => void

  constructor(config: KubeConfig, identity: string, log: (message: string) => void) {
    this.#log = log
    this.#custom = config.makeApiClient(CustomObjectsApi)
    this.#objects = KubernetesObjectApi.makeApiClient(config)
    this.#events = config.makeApiClient(EventsV1Api)
    this.#identity = identity
  }

  /**
   * Server-side apply of the status subresource; `status` is the whole intent of `fieldManager`
   * for it (the rollout controller applies status.rollout under a manager of its own).
   */
  async applyStatus(
    ref: ObjectRef,
    status: BedrockProjectStatus | ModelRouteStatus,
    fieldManager = FIELD_MANAGER,
  ): Promise<void> {
    const body = {
      apiVersion: GROUP_VERSION,
      kind: ref.kind,
      metadata: { name: ref.name, namespace: ref.namespace },
      status,
    }
    await this.#custom.patchNamespacedCustomObjectStatus(
      {
        group: API_GROUP,
        version: API_VERSION,
        plural: ref.plural,
        namespace: ref.namespace,
        name: ref.name,
        body,
        fieldManager,
        force: true,
      },
      applyOptions,
    )
  }

  /**
   * Server-side apply of any object (Secrets, ConfigMaps); answers the object as stored. A second
   * field manager lets one object carry two intents that are applied apart.
   */
  async apply<T extends KubernetesObject>(object: T, fieldManager = FIELD_MANAGER): Promise<T> {
    return this.#objects.patch(
      object,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    )
  }

  async read<T extends KubernetesObject & { metadata: { name: string } }>(
    object: T,
  ): Promise<T | undefined> {
    try {
      return await this.#objects.read<T>(object)
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined
      throw error
    }
  }

  /** Adds a finalizer; the `test` makes a concurrent change fail with 422 rather than be lost. */
  async addFinalizer(
    ref: ObjectRef,
    finalizer: string,
    current: string[] | undefined,
  ): Promise<void> {
    const patch = current
      ? [
          { op: 'test', path: '/metadata/finalizers', value: current },
          { op: 'add', path: '/metadata/finalizers/-', value: finalizer },
        ]
      : [{ op: 'add', path: '/metadata/finalizers', value: [finalizer] }]
    await this.#patchMetadata(ref, patch)
  }

  async removeFinalizer(ref: ObjectRef, finalizer: string, current: string[]): Promise<void> {
    const index = current.indexOf(finalizer)
    if (index < 0) return
    await this.#patchMetadata(ref, [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ])
  }

  /**
   * Records an Event. Like client-go's recorder it never fails the caller: an Event is a
   * notification about a reconcile, and losing one must not undo the reconcile it describes.
   */
  async event(
    ref: ObjectRef,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    action: string,
  ): Promise<void> {
    const key = `${ref.namespace}/${ref.name}/${type}/${reason}/${note}`
    const now = Date.now()
    const last = this.#recentEvents.get(key)
    if (last !== undefined && now - last < 5 * 60_000) return
    this.#recentEvents.set(key, now)
    try {
      await this.#events.createNamespacedEvent({
        namespace: ref.namespace,
        body: {
          // client-go's naming: the object's name and a hex timestamp.
          metadata: {
            name: `${ref.name}.${(now * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`,
            namespace: ref.namespace,
          },
          eventTime: new V1MicroTime(now),
          type,
          reason,
          note: note.slice(0, 1024),
          action,
          reportingController: `${API_GROUP}/strata-operator`,
          reportingInstance: this.#identity,
          regarding: {
            apiVersion: GROUP_VERSION,
            kind: ref.kind,
            namespace: ref.namespace,
            name: ref.name,
            ...(ref.uid ? { uid: ref.uid } : {}),
          },
        },
      })
    } catch (error) {
      this.#log(
        `event ${reason} on ${ref.kind} ${ref.namespace}/${ref.name} not recorded: ${describeError(error)}`,
      )
    }
  }

  async #patchMetadata(ref: ObjectRef, patch: object[]): Promise<void> {
    await this.#custom.patchNamespacedCustomObject(
      {
        group: API_GROUP,
        version: API_VERSION,
        plural: ref.plural,
        namespace: ref.namespace,
        name: ref.name,
        body: patch,
        fieldManager: FIELD_MANAGER,
      },
      jsonPatchOptions,
    )
  }
}
