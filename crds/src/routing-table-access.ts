// Who may call a project with a Kubernetes ServiceAccount token instead of a client key: the
// BedrockProject's spec.access, copied into the routing table so the gateway maps a verified
// `system:serviceaccount:<ns>:<name>` to projects without reading any CRD itself.
// Workloads in the project's own namespace always may; the table leaves that rule implicit.
import { z } from 'zod'

const kubernetesLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 label')

export const tableAccessSchema = z
  .strictObject({
    serviceAccounts: z
      .array(
        z.strictObject({
          namespace: kubernetesLabel,
          name: z.string().min(1).max(253),
        }),
      )
      .optional()
      .describe('ServiceAccounts, in any namespace, that may use the project.'),
    namespaces: z
      .array(kubernetesLabel)
      .optional()
      .describe('Namespaces whose every ServiceAccount may use the project.'),
  })
  .describe(
    "Who may use the project with a ServiceAccount token, besides the project's own namespace.",
  )

export type TableAccess = z.infer<typeof tableAccessSchema>
