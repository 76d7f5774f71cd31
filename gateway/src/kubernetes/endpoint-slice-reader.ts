// Reads how many ready endpoints a Service has: one list of the EndpointSlices labelled with its
// name (`kubernetes.io/service-name`), which is all the RBAC it needs (list on endpointslices in
// the Service's namespace). The counting itself is ready-endpoints.ts.
// Reference: https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#ownership
import { request } from 'undici'
import type { KubeApiAccess } from './api-access.ts'
import { countReadyEndpoints, endpointSliceListSchema } from './ready-endpoints.ts'

export interface ServiceRef {
  namespace: string
  name: string
}

/** A reader bound to one Service; each call is one GET, rejected on any non-200 answer. */
export function readyEndpointsReader(api: KubeApiAccess, service: ServiceRef) {
  const selector = encodeURIComponent(`kubernetes.io/service-name=${service.name}`)
  const path = `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(service.namespace)}/endpointslices?labelSelector=${selector}`
  return async function readReadyEndpoints(signal?: AbortSignal): Promise<number> {
    const response = await request(`${api.server}${path}`, {
      dispatcher: api.dispatcher,
      headers: { authorization: `Bearer ${api.token()}`, accept: 'application/json' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      ...(signal === undefined ? {} : { signal }),
    })
    if (response.statusCode !== 200) {
      const text = await response.body.text()
      throw new Error(`GET ${path}: ${response.statusCode} ${text.slice(0, 200)}`)
    }
    return countReadyEndpoints(endpointSliceListSchema.parse(await response.body.json()))
  }
}
