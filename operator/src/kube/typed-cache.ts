// Informer caches hold what the controllers read, validated and typed, and nothing more. Each
// object is slimmed and parsed once, as it arrives (list or watch event), and only the parsed copy
// is kept: no managedFields (the bulk of an object that is applied server-side by several
// managers), no labels or foreign annotations, and no second raw copy beside the typed one. At
// thousands of routes this is most of the operator's memory.
import type { KubernetesObject, ObjectCache } from '@kubernetes/client-node'
import type { z } from 'zod'

export interface TypedCache<T> {
  get(name: string, namespace: string): T | undefined
  list(namespace?: string): T[]
}

// The metadata the operator reads: identity, generation, deletion, finalizers, and its own
// annotations (the rotate request).
const keptMetadata = [
  'name',
  'namespace',
  'uid',
  'generation',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'finalizers',
] as const

/** The object without the fields no controller reads. Pure. */
export function slim(object: KubernetesObject): KubernetesObject {
  const metadata: Record<string, unknown> = {}
  const source = (object.metadata ?? {}) as Record<string, unknown>
  for (const key of keptMetadata) if (source[key] !== undefined) metadata[key] = source[key]
  const ours = Object.entries(object.metadata?.annotations ?? {}).filter(([key]) =>
    key.startsWith('strata.dev/'),
  )
  if (ours.length > 0) metadata['annotations'] = Object.fromEntries(ours)
  return { ...object, metadata }
}

export interface TypedStore<T> {
  /** For the informer: what to keep of each object it receives. */
  transform: (object: KubernetesObject) => KubernetesObject
  /** The typed view of the informer's cache; objects that failed validation are left out. */
  view: (cache: () => ObjectCache<KubernetesObject>) => TypedCache<T>
}

export function typedStore<S extends z.ZodType>(
  schema: S,
  onInvalid: (object: KubernetesObject, error: z.ZodError) => void,
): TypedStore<z.infer<S>> {
  // Objects the schema refuses (a newer CRD version, say) stay in the cache, since the informer
  // needs them to track deletes, but are never handed to a controller.
  const invalid = new WeakSet<KubernetesObject>()
  const typed = (object: KubernetesObject): z.infer<S> | undefined =>
    invalid.has(object) ? undefined : (object as z.infer<S>)
  return {
    transform: (object) => {
      const slimmed = slim(object)
      const result = schema.safeParse(slimmed)
      if (result.success) return result.data as KubernetesObject
      onInvalid(object, result.error)
      invalid.add(slimmed)
      return slimmed
    },
    view: (cache) => ({
      get: (name, namespace) => {
        const object = cache().get(name, namespace)
        return object ? typed(object) : undefined
      },
      list: (namespace) =>
        cache()
          .list(namespace)
          .map(typed)
          .filter((value) => value !== undefined),
    }),
  }
}
