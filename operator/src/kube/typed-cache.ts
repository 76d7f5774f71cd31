// Informer caches hold objects as the apiserver sent them; controllers want them validated and
// typed. Parsing happens at this boundary, once per object version: the informer replaces an
// object on every change, so a WeakMap on identity caches exactly one parse per version.
import type { KubernetesObject, ObjectCache } from '@kubernetes/client-node'
import type { z } from 'zod'

export interface TypedCache<T> {
  get(name: string, namespace: string): T | undefined
  list(namespace?: string): T[]
}

export function typedCache<S extends z.ZodType>(
  cache: () => ObjectCache<KubernetesObject>,
  schema: S,
  onInvalid: (object: KubernetesObject, error: z.ZodError) => void,
): TypedCache<z.infer<S>> {
  const parsed = new WeakMap<KubernetesObject, z.infer<S> | null>()
  const parse = (object: KubernetesObject): z.infer<S> | undefined => {
    let value = parsed.get(object)
    if (value === undefined) {
      const result = schema.safeParse(object)
      if (!result.success) onInvalid(object, result.error)
      value = result.success ? result.data : null
      parsed.set(object, value)
    }
    return value ?? undefined
  }
  return {
    get: (name, namespace) => {
      const object = cache().get(name, namespace)
      return object ? parse(object) : undefined
    },
    list: (namespace) =>
      cache()
        .list(namespace)
        .map(parse)
        .filter((value) => value !== undefined),
  }
}
