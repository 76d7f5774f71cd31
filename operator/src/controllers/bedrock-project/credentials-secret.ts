// The credentials Secret as two server-side-apply intents with separate field managers, so the
// operator never has to read a Secret (it holds no `get` on Secrets anywhere):
//   - the frame (labels, owner, OPENAI_BASE_URL), applied on every reconcile; the apply's answer is
//     the Secret as stored, which is how the current key is learned;
//   - the key (OPENAI_API_KEY and the rotation annotations), applied only when it changes.
// With one manager, the frame's apply would drop the key it does not name. The key keeps the
// operator's original manager name, which owned the whole Secret in earlier versions: the frame's
// new manager then takes nothing away on upgrade, and the key stays. Pure builders.
import type { V1Secret } from '@kubernetes/client-node'
import { BEDROCK_PROJECT_KIND, GROUP_VERSION } from '@strata/crds'
import { FIELD_MANAGER, type ObjectRef } from '../../kube/kube-client.ts'
import type { CredentialsPlan } from './credentials.ts'

export const FRAME_MANAGER = 'strata-operator-frame'
export const KEY_MANAGER = FIELD_MANAGER

const base64 = (value: string) => Buffer.from(value, 'utf8').toString('base64')
const decode = (value: string | undefined) =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8')

export type SecretIntent = V1Secret & {
  apiVersion: 'v1'
  kind: 'Secret'
  metadata: { name: string; namespace: string }
}

export function secretFrame(ref: ObjectRef, name: string, baseUrl: string): SecretIntent {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ref.namespace,
      labels: {
        'app.kubernetes.io/managed-by': 'strata-operator',
        'strata.dev/project': ref.name,
      },
      ownerReferences: [
        {
          apiVersion: GROUP_VERSION,
          kind: BEDROCK_PROJECT_KIND,
          name: ref.name,
          uid: ref.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    type: 'Opaque',
    data: { OPENAI_BASE_URL: base64(baseUrl) },
  }
}

// Only our own annotations: the key manager must not take co-ownership of anyone else's.
const ours = (annotations: Record<string, string> | undefined) =>
  Object.fromEntries(
    Object.entries(annotations ?? {}).filter(([key]) => key.startsWith('strata.dev/')),
  )

/** The key intent, or undefined when the stored Secret already says what the plan wants. */
export function secretKey(
  stored: V1Secret,
  plan: CredentialsPlan,
  name: string,
  namespace: string,
): SecretIntent | undefined {
  const annotations = ours(plan.annotations)
  const unchanged =
    decode(stored.data?.['OPENAI_API_KEY']) === plan.stringData.OPENAI_API_KEY &&
    JSON.stringify(ours(stored.metadata?.annotations)) === JSON.stringify(annotations)
  if (unchanged) return undefined
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations },
    data: { OPENAI_API_KEY: base64(plan.stringData.OPENAI_API_KEY) },
  }
}
