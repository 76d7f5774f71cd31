// Installs the generated CRDs into the test apiserver, the way a user would: server-side apply,
// idempotent across tests that share one control plane, then wait until they are served.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node'
import { eventually } from './kube.ts'

const generatedDir = join(import.meta.dirname, '..', '..', 'crds', 'generated')

export async function installCrds(
  config: KubeConfig,
  fieldManager = 'strata-tests',
  dir = generatedDir,
): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(config)
  const extensions = config.makeApiClient(ApiextensionsV1Api)
  for (const file of readdirSync(dir).sort()) {
    // loadYaml maps the YAML onto client-node's models; a plain object would lose every keyword
    // whose model property is renamed (enum, default, x-kubernetes-validations) on the way out.
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(dir, file), 'utf8'))
    await objects.patch(
      crd,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    )
    const name = crd.metadata?.name ?? ''
    await eventually(`${name} Established`, async () => {
      const stored = await extensions.readCustomResourceDefinition({ name })
      return (
        stored.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ||
        undefined
      )
    })
  }
}
