// BedrockProject and ModelRoute objects as the cluster tests write them: the manifest frame
// (apiVersion, kind, metadata) around a spec each test states itself, and a create call that takes
// the namespace and the plural from the object, so a test's request says only what is its own.
import type { CustomObjectsApi } from '@kubernetes/client-node'
import { group, kinds, version } from './crd-fixtures.ts'

/** The four tags the BedrockProject schema requires, with plain values for tests. */
export const requiredTags = {
  owner: 'team-a',
  cost_center: 'cc-42',
  environment: 'test',
  data_classification: 'internal',
}

export interface StrataObject {
  apiVersion: string
  kind: keyof typeof kinds
  metadata: { name: string; namespace: string }
  spec: Record<string, unknown>
}

export function strataObject(
  kind: keyof typeof kinds,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): StrataObject {
  return { apiVersion: `${group}/${version}`, kind, metadata: { name, namespace }, spec }
}

export async function createStrataObject(
  custom: CustomObjectsApi,
  body: StrataObject,
  fieldManager?: string,
): Promise<void> {
  await custom.createNamespacedCustomObject({
    group,
    version,
    namespace: body.metadata.namespace,
    plural: kinds[body.kind].plural,
    body,
    ...(fieldManager === undefined ? {} : { fieldManager }),
  })
}
