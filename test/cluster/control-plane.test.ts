import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  VersionApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node'
import { describe, expect, inject, it } from 'vitest'
import { eventually, kubeConfigFrom, statusCode } from '../support/kube.ts'

const config = kubeConfigFrom(inject('kubeconfig'))
const core = config.makeApiClient(CoreV1Api)
const extensions = config.makeApiClient(ApiextensionsV1Api)
const custom = config.makeApiClient(CustomObjectsApi)

const group = 'harness.strata.dev'
const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
            },
          },
        },
      },
    ],
  },
}

describe('local control plane', () => {
  it('reports the pinned Kubernetes version, not v0.0.0-master', async () => {
    const version = await config.makeApiClient(VersionApi).getCode()
    expect(version.gitVersion).toMatch(/^v1\.(3[4-9]|[4-9]\d)\.\d+$/)
    expect(Number(version.minor)).toBeGreaterThanOrEqual(34)
  })

  it('serves a new CRD, validates its objects, and garbage-collects dependents of a deleted owner', async () => {
    const namespace = `harness-${Date.now().toString(36)}`
    await core.createNamespace({ body: { metadata: { name: namespace } } })
    await extensions.createCustomResourceDefinition({ body: widgetCrd })
    await eventually('CRD Established', async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: `widgets.${group}` })
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ||
        undefined
      )
    })

    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'owner' },
      spec: { size: 2 },
    }
    // The CRD can be Established a moment before its REST endpoint answers.
    const created = (await eventually('Widget created', () =>
      custom.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: widget,
      }),
    )) as { metadata: { uid: string } }

    const invalid = { ...widget, metadata: { name: 'invalid' }, spec: { size: 0 } }
    const rejection = await custom
      .createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: invalid,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(statusCode(rejection)).toBe(422)

    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: `${group}/v1`, kind: 'Widget', name: 'owner', uid: created.metadata.uid },
          ],
        },
        data: { note: 'owned by a Widget' },
      },
    })
    await custom.deleteNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural: 'widgets',
      name: 'owner',
    })
    await eventually(
      'garbage collector to delete the dependent ConfigMap',
      async () => {
        const gone = await core.readNamespacedConfigMap({ name: 'dependent', namespace }).then(
          () => false,
          (error: unknown) => statusCode(error) === 404,
        )
        return gone || undefined
      },
      75_000,
    )

    await core.deleteNamespace({ name: namespace })
    await eventually('namespace controller to finish deleting the namespace', async () => {
      const gone = await core.readNamespace({ name: namespace }).then(
        () => false,
        (error: unknown) => statusCode(error) === 404,
      )
      return gone || undefined
    })
    await extensions.deleteCustomResourceDefinition({ name: `widgets.${group}` })
  }, 150_000)
})
