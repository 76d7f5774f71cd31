// Which projects a verified ServiceAccount may use, from the routing table: the BedrockProject's
// own namespace always, plus its spec.access (named ServiceAccounts, whole namespaces), as the
// CRD documents. Pure: the table in, projects out.
//
// One ServiceAccount may be allowed into several projects (two projects in one namespace is the
// common case). It then has to say which with `x-strata-project` or `OpenAI-Project` (what the
// OpenAI SDKs send when given a project): guessing would bill and govern the call under a project
// the caller may not have meant. A single candidate needs no header; a header naming a project
// the ServiceAccount may not use is refused, never ignored.
import type { Project, RoutingTable } from '@strata/crds'

export interface ServiceAccountName {
  namespace: string
  name: string
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)$/

/** `system:serviceaccount:<namespace>:<name>` → its parts; other users (people, nodes) → undefined. */
export function parseServiceAccountUser(username: string): ServiceAccountName | undefined {
  const match = SERVICE_ACCOUNT_USER.exec(username)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  return { namespace: match[1], name: match[2] }
}

export function allows(project: Project, account: ServiceAccountName): boolean {
  if (project.namespace === account.namespace) return true
  const access = project.access
  if (access?.namespaces?.includes(account.namespace) === true) return true
  return (
    access?.serviceAccounts?.some(
      (entry) => entry.namespace === account.namespace && entry.name === account.name,
    ) === true
  )
}

export function projectsFor(table: RoutingTable, account: ServiceAccountName): Project[] {
  return table.projects.filter((project) => allows(project, account))
}

/** Whether a project header value names this project: `namespace/name`, or its Bedrock id. */
export function namesProject(value: string, project: Project): boolean {
  return value === `${project.namespace}/${project.name}` || value === project.projectId
}

export type ProjectChoice =
  | { outcome: 'chosen'; project: Project }
  | { outcome: 'none' }
  | { outcome: 'ambiguous'; candidates: Project[] }
  | { outcome: 'mismatch' }

export function chooseProject(candidates: Project[], header: string | undefined): ProjectChoice {
  if (candidates.length === 0) return { outcome: 'none' }
  if (header !== undefined) {
    const named = candidates.find((project) => namesProject(header, project))
    return named === undefined ? { outcome: 'mismatch' } : { outcome: 'chosen', project: named }
  }
  const [only] = candidates
  if (candidates.length === 1 && only !== undefined) return { outcome: 'chosen', project: only }
  return { outcome: 'ambiguous', candidates }
}
