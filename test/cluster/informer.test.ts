// The operator's informer against the real apiserver: it says "listed" only once its cache holds
// the list. The routing table is compiled from these caches the moment both have said so, so a
// signal that came early published a table without the routes not yet seen (a restarted operator
// on a loaded machine served 404 and 401 for a moment).
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ResilientInformer } from '../../operator/src/kube/informer.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'

const config = kubeConfigFrom(inject('kubeconfig'))
const core = config.makeApiClient(CoreV1Api)
const namespace = `strata-informer-${Date.now().toString(36)}`
const objectCount = 5

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined)
})

describe('ResilientInformer on a real apiserver', () => {
  it('says the cache is listed only when it holds every listed object, even when the list is slow', async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } })
    for (let index = 0; index < objectCount; index++)
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: `object-${String(index)}` }, data: { index: String(index) } },
      })
    const heldWhenListed: number[] = []
    const informer: ResilientInformer<KubernetesObject> = new ResilientInformer(config, {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      // A slow apiserver, as on a loaded machine: the list answers long after the watch began.
      list: async () => {
        const list = await core.listNamespacedConfigMap({ namespace })
        await new Promise((resolve) => setTimeout(resolve, 300))
        return list
      },
      onEvent: () => undefined,
      onListed: () => heldWhenListed.push(informer.cache.list().length),
      log: () => undefined,
    })
    try {
      await informer.start()
      await eventually('the listed signal', () => (heldWhenListed.length > 0 ? true : undefined))
      expect(heldWhenListed).toEqual([objectCount])
    } finally {
      await informer.stop()
    }
  })
})
