// How many pods stand behind a Service and may receive traffic, counted from its EndpointSlices.
// Reference: https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/
// An endpoint whose `conditions.ready` is absent counts as ready ("a nil value should be interpreted
// as ready" in the API's own words); a terminating pod has `ready: false`. One pod appears in
// several slices when the Service is dual-stack (a slice per address family) and, briefly, while
// the controller moves endpoints between slices, so endpoints are counted once each, by the pod
// they point at, else by their first address.
import { z } from 'zod'

// Lenient: the list is read from the apiserver, and a field we do not need must never fail it.
const endpointSchema = z.looseObject({
  addresses: z.array(z.string()).catch([]),
  conditions: z.looseObject({ ready: z.boolean().nullish().catch(undefined) }).catch({}),
  targetRef: z
    .looseObject({
      uid: z.string().optional().catch(undefined),
      namespace: z.string().optional().catch(undefined),
      name: z.string().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
})

export const endpointSliceListSchema = z.looseObject({
  items: z
    .array(
      z.looseObject({
        endpoints: z.array(endpointSchema).nullish().catch([]),
      }),
    )
    .catch([]),
})

export type EndpointSliceList = z.infer<typeof endpointSliceListSchema>

type Endpoint = z.infer<typeof endpointSchema>

function identityOf(endpoint: Endpoint): string | undefined {
  const ref = endpoint.targetRef
  if (ref?.uid) return `uid:${ref.uid}`
  if (ref?.name) return `pod:${ref.namespace ?? ''}/${ref.name}`
  const [first] = endpoint.addresses
  return first === undefined ? undefined : `address:${first}`
}

export function countReadyEndpoints(list: EndpointSliceList): number {
  const ready = new Set<string>()
  for (const slice of list.items)
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions.ready === false) continue
      const identity = identityOf(endpoint)
      if (identity !== undefined) ready.add(identity)
    }
  return ready.size
}
